/** Settings → Providers: keys, local servers, models, embedding cache, "Test connection". */
import { type FormEvent, type ReactNode, useCallback, useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  ChatProviderId, EmbeddingProviderId, SecretName,
  type MethodOutput, type Settings, type SettingsPatch,
} from '../../../../preload/contract';
import { api } from '../../lib/api';
import { formatBytes } from '../../lib/format';
import { useSettings } from '../../lib/use-settings';
import {
  type FieldProblem, changesEmbeddingModel, chatDraftOf, chatPatchOf, chatRoles, embeddingsDraftOf, embeddingsPatchOf,
  rerankDraftOf, rerankPatchOf, sameDraft,
} from './provider-form';

type SecretsStatus = MethodOutput<'secrets.status'>;
type EmbeddingStats = MethodOutput<'embeddings.stats'>;
type Target = 'chat' | 'embeddings' | 'rerank' | 'vectorStore';
type Save = (patch: SettingsPatch) => Promise<string | null>;

export function ProvidersPanel() {
  const { t } = useTranslation('settingsPanels');
  const { settings, update } = useSettings();
  // Returns the error message, or null when saved.
  const save: Save = useCallback(async (patch) => {
    const r = await update(patch);
    return r.ok ? null : r.error.message;
  }, [update]);
  if (!settings) return null;
  return (
    <section className="settings-panel" aria-labelledby="providers-title" data-testid="providers-panel">
      <h2 id="providers-title">{t('providers.title')}</h2>
      <p className="muted panel-intro">{t('providers.intro')}</p>
      <KeysFieldset />
      <ChatFieldset saved={settings.chat} save={save} />
      <EmbeddingsFieldset saved={settings.embeddings} save={save} />
      <RerankFieldset saved={settings.rerank} save={save} />
    </section>
  );
}

// ---------- keys ----------

function KeysFieldset() {
  const { t } = useTranslation('settingsPanels');
  const [status, setStatus] = useState<SecretsStatus | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    void api.call('secrets.status').then((r) => (r.ok ? setStatus(r.value) : setError(r.error.message)));
  }, []);
  return (
    <fieldset className="provider-section" data-testid="keys-section">
      <legend>{t('keys.legend')}</legend>
      {status && <p className="muted section-note" data-testid="keys-storage">{t(`keys.storage.${status.storage}`)}</p>}
      {error && <p role="alert" className="alert">{error}</p>}
      {status && (
        <ul className="key-rows">
          {SecretName.options.map((name) => (
            <KeyRow key={name} name={name} state={status.secrets[name]} onStatus={setStatus} />
          ))}
        </ul>
      )}
    </fieldset>
  );
}

function KeyRow({ name, state, onStatus }: { name: SecretName; state: SecretsStatus['secrets'][SecretName]; onStatus: (s: SecretsStatus) => void }) {
  const { t } = useTranslation('settingsPanels');
  const inputId = useId();
  // Uncontrolled on purpose: React mirrors a controlled input's value into the DOM attribute.
  const input = useRef<HTMLInputElement>(null);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const label = t(`keys.names.${name}`);

  const send = async (value: string | null) => {
    setBusy(true);
    const r = await api.call('secrets.set', { name, value });
    setBusy(false);
    if (input.current) input.current.value = '';
    if (r.ok) {
      onStatus(r.value);
      setMessage({ ok: true, text: t(value === null ? 'keys.removed' : 'keys.saved', { name: label }) });
    } else {
      setMessage({ ok: false, text: r.error.message });
    }
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const value = input.current?.value.trim() ?? '';
    if (value) void send(value);
  };

  return (
    <li className="key-row" data-testid={`key-${name}`}>
      <label htmlFor={inputId} className="key-name">{label}</label>
      <span className="key-state">
        {state.set
          ? <><code className="key-masked" data-testid="key-masked">{state.masked}</code>{state.fromEnv && <span className="badge key-env">{t('keys.fromEnv')}</span>}</>
          : <span className="muted">{t('keys.notSet')}</span>}
      </span>
      <form className="key-form" onSubmit={submit}>
        <input
          ref={input}
          id={inputId}
          type="password"
          autoComplete="off"
          spellCheck={false}
          aria-label={t('keys.inputLabel', { name: label })}
          placeholder={state.set ? t('keys.placeholderReplace') : t('keys.placeholderNew')}
          data-testid="key-input"
          disabled={busy}
        />
        <button type="submit" className="small" disabled={busy} data-testid="key-save">{t('keys.save')}</button>
        {state.set && !state.fromEnv && (
          <button type="button" className="secondary small danger-outline" disabled={busy} onClick={() => void send(null)} aria-label={t('keys.removeName', { name: label })}>
            {t('keys.remove')}
          </button>
        )}
      </form>
      {message && <p className={`key-message ${message.ok ? 'ok-text' : 'fail-text'}`} role={message.ok ? 'status' : 'alert'}>{message.text}</p>}
    </li>
  );
}

// ---------- shared pieces ----------

/** One labelled control in a provider form, with its hint or the problem to fix under it. */
function Field({ label, hint, problem, children, wide }: { label: string; hint?: string; problem?: string | null; children: (id: string) => ReactNode; wide?: boolean }) {
  const id = useId();
  return (
    <div className={`field${wide ? ' field-wide' : ''}${problem ? ' field-invalid' : ''}`}>
      <label htmlFor={id}>{label}</label>
      {children(id)}
      {problem ? <span className="field-problem" role="alert">{problem}</span> : hint ? <span className="field-hint">{hint}</span> : null}
    </div>
  );
}

function problemFor(problem: FieldProblem | null, field: string, t: (k: string) => string): string | null {
  return problem?.field === field ? t(problem.key) : null;
}

/** Save and "Test connection", with the test's result inline. Testing works on saved settings only. */
function SectionActions({ target, dirty, saving, onSave, saveError, savedOnce }: {
  target: Target; dirty: boolean; saving: boolean; onSave: () => void; saveError: string | null; savedOnce: boolean;
}) {
  const { t } = useTranslation('settingsPanels');
  return (
    <div className="section-actions">
      <div className="section-buttons">
        <button type="button" onClick={onSave} disabled={!dirty || saving} data-testid={`save-${target}`}>
          {saving ? t('actions.saving') : t('actions.save')}
        </button>
        <TestButton target={target} disabled={dirty} />
        {!dirty && savedOnce && !saveError && <span className="ok-text saved-note">{t('actions.saved')}</span>}
        {dirty && <span className="muted field-hint">{t('actions.saveFirst')}</span>}
      </div>
      {saveError && <p role="alert" className="alert">{saveError}</p>}
    </div>
  );
}

export function TestButton({ target, disabled }: { target: Target; disabled?: boolean }) {
  const { t } = useTranslation('settingsPanels');
  const [state, setState] = useState<{ running: boolean; ok?: boolean; detail?: string }>({ running: false });
  const run = async () => {
    setState({ running: true });
    const r = await api.call('providers.test', { target });
    setState(r.ok ? { running: false, ok: r.value.ok, detail: r.value.detail } : { running: false, ok: false, detail: r.error.message });
  };
  return (
    <>
      <button type="button" className="secondary" onClick={() => void run()} disabled={disabled || state.running} data-testid={`test-${target}`}>
        {state.running ? t('actions.testing') : t('actions.test')}
      </button>
      {state.detail !== undefined && (
        <p className={`test-result ${state.ok ? 'test-ok' : 'test-fail'}`} role="status" data-testid={`test-result-${target}`}>
          <span className={`badge ${state.ok ? 'badge-ok' : 'badge-fail'}`}>{state.ok ? t('test.ok') : t('test.failed')}</span>
          <span>{state.detail}</span>
        </p>
      )}
    </>
  );
}

/** A draft of one settings section, reset whenever the saved settings change underneath it. */
function useDraft<S, D>(saved: S, draftOf: (s: S) => D) {
  const [draft, setDraft] = useState(() => draftOf(saved));
  const [base, setBase] = useState(saved);
  if (base !== saved) {
    setBase(saved);
    setDraft(draftOf(saved));
  }
  return { draft, setDraft, dirty: !sameDraft(draft, draftOf(saved)) };
}

function useSaver(save: Save) {
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<string | null>(null);
  const [savedOnce, setSavedOnce] = useState(false);
  const run = async (patch: SettingsPatch) => {
    setSaving(true);
    const err = await save(patch);
    setSaving(false);
    setSaveError(err);
    setSavedOnce(err === null);
    return err === null;
  };
  return { saving, saveError, savedOnce, run };
}

// ---------- language model ----------

function ChatFieldset({ saved, save }: { saved: Settings['chat']; save: Save }) {
  const { t } = useTranslation('settingsPanels');
  const { draft, setDraft, dirty } = useDraft(saved, chatDraftOf);
  const [problem, setProblem] = useState<FieldProblem | null>(null);
  const saver = useSaver(save);
  const off = draft.provider === 'none';
  const onSave = async () => {
    const r = chatPatchOf(draft);
    setProblem(r.problem);
    if (r.patch) await saver.run({ chat: r.patch });
  };
  return (
    <fieldset className="provider-section" data-testid="chat-section">
      <legend>{t('chat.legend')}</legend>
      <div className="field-grid">
        <Field label={t('chat.provider')}>
          {(id) => (
            <select id={id} data-testid="chat-provider" value={draft.provider} onChange={(e) => setDraft({ ...draft, provider: ChatProviderId.parse(e.target.value) })}>
              {ChatProviderId.options.map((p) => <option key={p} value={p}>{t(`chat.providers.${p}`)}</option>)}
            </select>
          )}
        </Field>
        {!off && (
          <Field label={t('chat.baseUrl')} problem={problemFor(problem, 'chat.baseUrl', t)}>
            {(id) => (
              <input id={id} data-testid="chat-base-url" type="url" value={draft.baseUrl} spellCheck={false}
                placeholder={draft.provider === 'openai-compatible' ? t('chat.baseUrlPlaceholderLocal') : t('chat.baseUrlPlaceholder')}
                onChange={(e) => setDraft({ ...draft, baseUrl: e.target.value })} />
            )}
          </Field>
        )}
      </div>
      {!off && (
        <>
          <div className="subsection">
            <h3>{t('chat.models')}</h3>
            <p className="field-hint">{t('chat.modelsHint')}</p>
            <div className="field-grid roles-grid">
              {chatRoles.map((role) => (
                <Field key={role} label={t(`chat.roles.${role}`)} problem={problemFor(problem, `chat.models.${role}`, t)}>
                  {(id) => (
                    <input id={id} data-testid={`chat-model-${role}`} value={draft.models[role]} spellCheck={false} placeholder={t('chat.defaultModel')}
                      onChange={(e) => setDraft({ ...draft, models: { ...draft.models, [role]: e.target.value } })} />
                  )}
                </Field>
              ))}
            </div>
          </div>
          <div className="field-grid">
            <Field label={t('chat.judgeThreshold')} hint={t('chat.judgeThresholdHint')} problem={problemFor(problem, 'chat.judgeThreshold', t)}>
              {(id) => (
                <input id={id} data-testid="chat-judge-threshold" className="narrow" inputMode="decimal" value={draft.judgeThreshold}
                  onChange={(e) => setDraft({ ...draft, judgeThreshold: e.target.value })} />
              )}
            </Field>
            <div className="field field-check">
              <label>
                <input type="checkbox" data-testid="chat-contextual" checked={draft.contextualRetrieval} onChange={(e) => setDraft({ ...draft, contextualRetrieval: e.target.checked })} />
                {t('chat.contextual')}
              </label>
              <span className="field-hint">{t('chat.contextualHint')}</span>
            </div>
          </div>
        </>
      )}
      <SectionActions target="chat" dirty={dirty} saving={saver.saving} saveError={saver.saveError} savedOnce={saver.savedOnce} onSave={() => void onSave()} />
    </fieldset>
  );
}

// ---------- embeddings ----------

function EmbeddingsFieldset({ saved, save }: { saved: Settings['embeddings']; save: Save }) {
  const { t } = useTranslation('settingsPanels');
  const { draft, setDraft, dirty } = useDraft(saved, embeddingsDraftOf);
  const [problem, setProblem] = useState<FieldProblem | null>(null);
  const [confirm, setConfirm] = useState<{ patch: NonNullable<SettingsPatch['embeddings']>; chunks: number } | null>(null);
  const [stats, setStats] = useState<EmbeddingStats | null>(null);
  const [statsError, setStatsError] = useState<string | null>(null);
  const saver = useSaver(save);

  const loadStats = useCallback(async () => {
    const r = await api.call('embeddings.stats');
    if (r.ok) { setStats(r.value); setStatsError(null); } else setStatsError(r.error.message);
  }, []);
  useEffect(() => { void loadStats(); }, [loadStats, saved]);

  const commit = async (patch: NonNullable<SettingsPatch['embeddings']>) => {
    setConfirm(null);
    if (await saver.run({ embeddings: patch })) void loadStats();
  };
  const onSave = async () => {
    const r = embeddingsPatchOf(draft);
    setProblem(r.problem);
    if (!r.patch) return;
    // The exact count needs the new model's fingerprint, which the contract cannot take yet: before
    // saving we can honestly say only how many chunks there are (the upper bound); after, the exact number.
    if (changesEmbeddingModel(saved, r.patch)) {
      const s = await api.call('status');
      const chunks = s.ok ? s.value.library.chunks : 0;
      if (chunks > 0) {
        setConfirm({ patch: r.patch, chunks });
        return;
      }
    }
    await commit(r.patch);
  };
  const p = draft.provider;
  return (
    <fieldset className="provider-section" data-testid="embeddings-section">
      <legend>{t('embeddings.legend')}</legend>
      <div className="field-grid">
        <Field label={t('embeddings.provider')}>
          {(id) => (
            <select id={id} data-testid="embeddings-provider" value={p} onChange={(e) => setDraft({ ...draft, provider: EmbeddingProviderId.parse(e.target.value) })}>
              {EmbeddingProviderId.options.map((o) => <option key={o} value={o}>{t(`embeddings.providers.${o}`)}</option>)}
            </select>
          )}
        </Field>
        {p !== 'none' && (
          <Field label={t('embeddings.model')} problem={problemFor(problem, 'embeddings.model', t)}>
            {(id) => <input id={id} data-testid="embeddings-model" value={draft.model} spellCheck={false} onChange={(e) => setDraft({ ...draft, model: e.target.value })} />}
          </Field>
        )}
        {p !== 'none' && (
          <Field label={t('embeddings.dimensions')} problem={problemFor(problem, 'embeddings.dimensions', t)}>
            {(id) => <input id={id} data-testid="embeddings-dimensions" inputMode="numeric" value={draft.dimensions} placeholder={t('embeddings.dimensionsPlaceholder')} onChange={(e) => setDraft({ ...draft, dimensions: e.target.value })} />}
          </Field>
        )}
        {(p === 'openai' || p === 'openai-compatible') && (
          <Field label={t('embeddings.baseUrl')} problem={problemFor(problem, 'embeddings.baseUrl', t)}>
            {(id) => (
              <input id={id} data-testid="embeddings-base-url" type="url" value={draft.baseUrl} spellCheck={false}
                placeholder={p === 'openai' ? t('embeddings.baseUrlPlaceholder') : t('chat.baseUrlPlaceholderLocal')}
                onChange={(e) => setDraft({ ...draft, baseUrl: e.target.value })} />
            )}
          </Field>
        )}
        {p === 'local-onnx' && (
          <Field label={t('embeddings.modelDir')}>
            {(id) => <input id={id} data-testid="embeddings-model-dir" value={draft.modelDir} spellCheck={false} placeholder={t('embeddings.modelDirPlaceholder')} onChange={(e) => setDraft({ ...draft, modelDir: e.target.value })} />}
          </Field>
        )}
      </div>

      {confirm && (
        <div className="confirm-box" role="alertdialog" aria-labelledby="reembed-title" data-testid="reembed-confirm">
          <strong id="reembed-title">{t('embeddings.confirm.title')}</strong>
          <p>{t('embeddings.confirm.body', { count: confirm.chunks })}</p>
          <div className="section-buttons">
            <button type="button" onClick={() => void commit(confirm.patch)} data-testid="reembed-proceed">{t('embeddings.confirm.proceed')}</button>
            <button type="button" className="secondary" onClick={() => setConfirm(null)}>{t('embeddings.confirm.cancel')}</button>
          </div>
        </div>
      )}

      <CacheStats stats={stats} error={statsError} onRefresh={() => void loadStats()} />
      {!confirm && <SectionActions target="embeddings" dirty={dirty} saving={saver.saving} saveError={saver.saveError} savedOnce={saver.savedOnce} onSave={() => void onSave()} />}
    </fieldset>
  );
}

function CacheStats({ stats, error, onRefresh }: { stats: EmbeddingStats | null; error: string | null; onRefresh: () => void }) {
  const { t, i18n } = useTranslation('settingsPanels');
  const n = (x: number) => x.toLocaleString(i18n.language);
  return (
    <div className="subsection cache-stats" data-testid="embedding-cache">
      <div className="subsection-head">
        <h3>{t('embeddings.cache.title')}</h3>
        <button type="button" className="secondary small" onClick={onRefresh}>{t('embeddings.cache.refresh')}</button>
      </div>
      {error && <p role="alert" className="alert">{error}</p>}
      {stats && (
        <dl className="stats-grid">
          <dt>{t('embeddings.cache.entries')}</dt><dd data-testid="cache-entries">{n(stats.entries)}</dd>
          <dt>{t('embeddings.cache.size')}</dt><dd>{formatBytes(stats.bytes)}</dd>
          <dt>{t('embeddings.cache.hitRate')}</dt><dd>{n(stats.hits)} / {n(stats.misses)}</dd>
          <dt>{t('embeddings.cache.model')}</dt><dd>{stats.fingerprint ? <code>{stats.fingerprint}</code> : <span className="muted">{t('embeddings.cache.unknownModel')}</span>}</dd>
          <dt>{t('embeddings.cache.missing')}</dt>
          <dd data-testid="cache-missing">
            {stats.missingForCurrentModel === null
              ? <span className="muted">{t('embeddings.cache.missingUnknown')}</span>
              : stats.missingForCurrentModel === 0
                ? t('embeddings.cache.missingNone')
                : <span className="warn-text">{t('embeddings.cache.missingSome', { count: stats.missingForCurrentModel })}</span>}
          </dd>
        </dl>
      )}
    </div>
  );
}

// ---------- rerank ----------

function RerankFieldset({ saved, save }: { saved: Settings['rerank']; save: Save }) {
  const { t } = useTranslation('settingsPanels');
  const { draft, setDraft, dirty } = useDraft(saved, rerankDraftOf);
  const [problem, setProblem] = useState<FieldProblem | null>(null);
  const saver = useSaver(save);
  const onSave = async () => {
    const r = rerankPatchOf(draft);
    setProblem(r.problem);
    if (r.patch) await saver.run({ rerank: r.patch });
  };
  return (
    <fieldset className="provider-section" data-testid="rerank-section">
      <legend>{t('rerank.legend')}</legend>
      <div className="field-grid">
        <Field label={t('rerank.provider')}>
          {(id) => (
            <select id={id} data-testid="rerank-provider" value={draft.provider} onChange={(e) => setDraft({ ...draft, provider: e.target.value === 'cohere' ? 'cohere' : 'none' })}>
              <option value="none">{t('rerank.providers.none')}</option>
              <option value="cohere">{t('rerank.providers.cohere')}</option>
            </select>
          )}
        </Field>
        {draft.provider === 'cohere' && (
          <Field label={t('rerank.model')} problem={problemFor(problem, 'rerank.model', t)}>
            {(id) => <input id={id} data-testid="rerank-model" value={draft.model} spellCheck={false} onChange={(e) => setDraft({ ...draft, model: e.target.value })} />}
          </Field>
        )}
      </div>
      <SectionActions target="rerank" dirty={dirty} saving={saver.saving} saveError={saver.saveError} savedOnce={saver.savedOnce} onSave={() => void onSave()} />
    </fieldset>
  );
}
