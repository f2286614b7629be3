import { memo, useCallback, useId, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Answer, AnswerSource, JudgeReport, Perspective } from '../../../../preload/contract';
import type { StageStep } from './answer-stream';
import { AnswerMarkdown } from './AnswerMarkdown';
import { AnswerLabels, NotCoveredNotice } from './AnswerLabels';
import { chipPageText, distinctPageText, sourceTitle } from './source-label';
import { describeStageDetail } from './stage-detail';
import type { AnswerView } from './thread-items';

type Props = {
  view: AnswerView;
  /** The source open in the panel, if it belongs to this answer. */
  activeSource: number | null;
  onOpenSource: (view: AnswerView, source: AnswerSource) => void;
};

export const AnswerCard = memo(function AnswerCard({ view, activeSource, onOpenSource }: Props) {
  const { t, i18n } = useTranslation('chat');
  const [tab, setTab] = useState<'all' | Perspective>('all');
  const tabsId = useId();
  const byN = useMemo(() => new Map(view.sources.map((s) => [s.n, s])), [view.sources]);
  const known = useMemo(() => new Set(byN.keys()), [byN]);
  const citeLabel = useCallback((n: number) => {
    const s = byN.get(n);
    if (!s) return String(n);
    const page = distinctPageText(t, s);
    return page ? t('answer.citation', { n, title: sourceTitle(s), page }) : t('answer.citationNoPage', { n, title: sourceTitle(s) });
  }, [byN, t]);
  const citePage = useCallback((n: number) => { const s = byN.get(n); return s ? chipPageText(t, s) : null; }, [byN, t]);
  const onCite = useCallback((n: number) => { const s = byN.get(n); if (s) onOpenSource(view, s); }, [byN, onOpenSource, view]);

  const running = view.status === 'running';
  const stopped = view.error?.code === 'CANCELLED';
  const section = tab === 'all' ? null : view.sections.find((s) => s.perspective === tab) ?? null;
  const notCovered = view.kind === 'not-covered';
  // Nearest material is not organised by perspective: that would present it as an answer.
  const showTabs = !running && !notCovered && view.sections.length > 0;

  return (
    <article
      className={`answer-card answer-${view.status}`}
      aria-busy={running}
      data-testid="answer"
      data-status={view.status}
      data-kind={view.kind ?? ''}
    >
      <AnswerLabels view={view} showPerspectives={!showTabs} formatDate={(iso) => formatDate(iso, i18n.language)} />
      {notCovered && !running && <NotCoveredNotice count={view.sources.length} />}

      {(running || view.steps.length > 0) && <StageList steps={view.steps} router={view.router} running={running} />}
      {view.refining && <p className="answer-refining" role="status" data-testid="refining">{t('answer.refining')}</p>}

      {showTabs && (
        <div role="tablist" aria-label={t('answer.sections')} className="perspective-tabs">
          <TabButton id={`${tabsId}-all`} selected={tab === 'all'} onSelect={() => setTab('all')} panel={`${tabsId}-panel`}>{t('answer.all')}</TabButton>
          {view.sections.map((s) => (
            <TabButton key={s.perspective} id={`${tabsId}-${s.perspective}`} selected={tab === s.perspective} onSelect={() => setTab(s.perspective)} panel={`${tabsId}-panel`} perspective={s.perspective}>
              {t(`perspective.${s.perspective}`)}
            </TabButton>
          ))}
        </div>
      )}

      <div
        className={notCovered ? 'answer-body nearest-material' : 'answer-body'}
        id={`${tabsId}-panel`}
        role={showTabs ? 'tabpanel' : undefined}
        aria-labelledby={showTabs ? `${tabsId}-${tab}` : undefined}
        aria-live={running ? 'off' : undefined}
        data-testid="answer-text"
      >
        {section && <h3 className="section-heading">{section.heading || t(`perspective.${section.perspective}`)}</h3>}
        {(section ? section.text : view.text)
          ? <AnswerMarkdown text={section ? section.text : view.text} known={known} citeLabel={citeLabel} onCite={onCite} activeCite={activeSource} citePage={citePage} />
          : !running && <p className="muted">{view.answer === null && view.error === null ? t('answer.interrupted') : t('answer.noText')}</p>}
      </div>

      {view.error && (
        stopped
          ? <p className="notice answer-stopped" role="status" data-testid="answer-stopped">{t('answer.stopped')}</p>
          : (
            <div className="alert answer-error" role="alert" data-testid="answer-error">
              <strong>{t('answer.failed')}</strong> — {t('answer.error', { code: view.error.code, message: view.error.message })}
              {view.status === 'partial' && <> {t('answer.partialKept')}</>}
            </div>
          )
      )}

      {view.sources.length > 0 && !running && (
        <details className="answer-sources" open={view.sources.length <= 8}>
          <summary>{notCovered ? `${t('answer.nearestMaterial')} (${view.sources.length})` : t('answer.sourcesCount', { count: view.sources.length })}</summary>
          <ol>
            {view.sources.map((s) => (
              <li key={s.n}>
                <button type="button" className={s.n === activeSource ? 'source-link active' : 'source-link'} onClick={() => onOpenSource(view, s)} data-testid="source-link" data-n={s.n}>
                  <span className="source-n">{s.n}</span>
                  <span className="source-doc">{sourceTitle(s)}</span>
                  {distinctPageText(t, s) && <span className="source-page">{distinctPageText(t, s)}</span>}
                  {s.perspective && <span className={`perspective-dot p-${s.perspective}`} title={t(`perspective.${s.perspective}`)} />}
                </button>
              </li>
            ))}
          </ol>
        </details>
      )}

      {view.judge && !running && <JudgeView judge={view.judge} />}
      {view.answer && !running && <AnswerMeta answer={view.answer} />}
      {!running && view.text && <CopyButton text={view.text} />}
    </article>
  );
});

function TabButton({ id, selected, onSelect, panel, perspective, children }: {
  id: string; selected: boolean; onSelect: () => void; panel: string; perspective?: Perspective; children: React.ReactNode;
}) {
  return (
    <button
      type="button"
      role="tab"
      id={id}
      aria-selected={selected}
      aria-controls={panel}
      tabIndex={selected ? 0 : -1}
      className={perspective ? `perspective-tab p-${perspective}` : 'perspective-tab'}
      onClick={onSelect}
      onKeyDown={(e) => {
        // Arrow keys move between tabs, as a tablist should.
        if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
        const tabs = [...(e.currentTarget.parentElement?.querySelectorAll<HTMLButtonElement>('[role="tab"]') ?? [])];
        const i = tabs.indexOf(e.currentTarget);
        const next = tabs[(i + (e.key === 'ArrowRight' ? 1 : tabs.length - 1)) % tabs.length];
        next?.focus();
        next?.click();
      }}
      data-testid="perspective-tab"
      data-perspective={perspective ?? 'all'}
    >
      {children}
    </button>
  );
}

function StageList({ steps, router, running }: { steps: StageStep[]; router: AnswerView['router']; running: boolean }) {
  const { t } = useTranslation('chat');
  const list = router?.perspectives.map((p) => t(`perspective.${p}`)).join(', ');
  const label = (s: StageStep) => (s.stage === 'specialist' && s.perspective ? t('stage.specialist', { perspective: t(`perspective.${s.perspective}`) }) : t(`stage.${s.stage}`));
  const body = (
    <ol className="stage-list" data-testid="stages">
      {steps.map((s) => (
        <li key={`${s.stage}-${s.perspective ?? ''}`} className={`stage stage-${s.state}`} data-stage={s.stage} data-state={s.state}>
          <span className="stage-icon" aria-hidden="true">{s.state === 'finished' ? '✓' : ''}</span>
          <span>{label(s)}</span>
          <span className="sr-only">{s.state === 'finished' ? t('stage.done') : t('stage.running')}</span>
          {s.ms !== null && s.state === 'finished' && <span className="stage-ms">{t('stage.ms', { ms: Math.round(s.ms) })}</span>}
          <StageDetailText step={s} />
          {s.stage === 'route' && router && (
            <span className="stage-router" data-testid="router">
              {t('router.chose', { list })}{router.reason && <> — {t('router.reason', { reason: router.reason })}</>}
            </span>
          )}
        </li>
      ))}
      {steps.length === 0 && running && <li className="stage stage-started"><span className="stage-icon" aria-hidden="true" /><span>{t('answer.writing')}</span></li>}
    </ol>
  );
  if (running) return <div className="stages" role="status" aria-label={t('stage.progress')}>{body}</div>;
  return <details className="stages stages-done"><summary>{t('meta.details')}</summary>{body}</details>;
}

function StageDetailText({ step }: { step: StageStep }) {
  const { t } = useTranslation('chat');
  const d = describeStageDetail(step);
  if (!d) return null;
  return <span className="stage-detail">{'text' in d ? d.text : t(d.key, d.params)}</span>;
}

function JudgeView({ judge }: { judge: JudgeReport }) {
  const { t } = useTranslation('chat');
  const unverified = judge.claims.filter((c) => !c.supported);
  const scores = [
    ['completeness', judge.completeness],
    ['grounding', judge.grounding],
    ['citationQuality', judge.citationQuality],
  ] as const;
  return (
    <section className="judge" aria-label={t('judge.title')} data-testid="judge">
      <header className="judge-head">
        <strong>{t('judge.title')}</strong>
        <span className="muted">{t(`judge.${judge.method}`)}</span>
        <span className={judge.verdict === 'pass' ? 'badge badge-ok' : 'badge badge-fail'} data-testid="judge-verdict">{t(`judge.${judge.verdict}`)}</span>
        <span className="muted judge-threshold">{t('judge.threshold', { value: judge.threshold.toFixed(2) })}</span>
      </header>
      <dl className="judge-scores">
        {scores.map(([key, value]) => (
          <div key={key} className="judge-score">
            <dt>{t(`judge.${key}`)}</dt>
            <dd>
              <meter min={0} max={1} low={judge.threshold} high={0.9} optimum={1} value={value} aria-label={t(`judge.${key}`)} />
              <span className="judge-value">{Math.round(value * 100)}%</span>
            </dd>
          </div>
        ))}
      </dl>
      {unverified.length > 0 ? (
        <div className="judge-unverified">
          <p className="judge-unverified-title">{t('judge.unverified')}</p>
          <ul>
            {unverified.map((c, i) => (
              <li key={i} data-testid="unverified-claim">
                <q>{c.sentence}</q>{c.citations.length > 0 && <span className="muted"> [{c.citations.join(', ')}]</span>}
                {c.reason && <span className="muted judge-reason"> — {c.reason}</span>}
              </li>
            ))}
          </ul>
        </div>
      ) : judge.claims.length > 0 && <p className="muted judge-ok">{t('judge.allVerified')}</p>}
      {judge.feedback && judge.verdict === 'fail' && <p className="muted judge-feedback">{t('judge.feedback', { text: judge.feedback })}</p>}
    </section>
  );
}

/** Total time: the engine's own total when it gives one, else the longest stage (stages overlap). */
export function answerMillis(timings: Record<string, number>): number | null {
  const total = timings.total ?? timings.totalMs;
  if (total !== undefined) return total;
  const values = Object.values(timings);
  return values.length > 0 ? Math.max(...values) : null;
}

function AnswerMeta({ answer }: { answer: Answer }) {
  const { t } = useTranslation('chat');
  const ms = answerMillis(answer.timings);
  const parts: string[] = [];
  if (ms !== null) parts.push(t('meta.time', { seconds: (ms / 1000).toFixed(ms < 10_000 ? 1 : 0) }));
  if (answer.usage.calls > 0) {
    parts.push(t('meta.calls', { count: answer.usage.calls }));
    parts.push(t('meta.tokens', { input: answer.usage.inputTokens, output: answer.usage.outputTokens }));
  }
  parts.push(answer.usage.costUsd !== null && answer.usage.costUsd > 0 ? t('meta.cost', { cost: answer.usage.costUsd.toFixed(4) }) : t('meta.noCost'));
  parts.push(t('meta.retrieval', { mode: answer.retrieval.mode }) + (answer.retrieval.reranked ? ` · ${t('meta.reranked')}` : ''));
  const models = [...new Set(Object.values(answer.models))];
  if (models.length > 0) parts.push(models.join(', '));
  return <p className="answer-meta" data-testid="answer-meta">{parts.join(' · ')}</p>;
}

function CopyButton({ text }: { text: string }) {
  const { t } = useTranslation('chat');
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setState('copied');
    } catch {
      setState('failed');
    }
    setTimeout(() => setState('idle'), 2000);
  };
  return (
    <div className="answer-actions">
      <button type="button" className="secondary small" onClick={() => void copy()} data-testid="copy-answer">{t('answer.copy')}</button>
      <span role="status" className="muted copy-status">{state === 'copied' ? t('answer.copied') : state === 'failed' ? t('answer.copyFailed') : ''}</span>
    </div>
  );
}

function formatDate(iso: string, lang: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' }).format(d);
}
