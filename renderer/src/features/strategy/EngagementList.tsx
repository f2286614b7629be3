import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { EngagementSummary } from '../../../../preload/strategy-contract';
import { api } from '../../lib/api';

interface Props { engagements: EngagementSummary[]; selected: string | null; onSelect: (id: string | null) => void; onChanged: () => Promise<void>; onError: (m: string) => void }

/** Create, pick, rename, duplicate and delete engagements; import one from JSON. */
export function EngagementList({ engagements, selected, onSelect, onChanged, onError }: Props) {
  const { t, i18n } = useTranslation('strategy');
  const [name, setName] = useState('');
  const [sector, setSector] = useState<'private' | 'public'>('private');
  const run = async <T,>(p: Promise<{ ok: true; value: T } | { ok: false; error: { message: string } }>, after?: (v: T) => void) => {
    const r = await p;
    if (!r.ok) { onError(r.error.message); return; }
    after?.(r.value);
    await onChanged();
  };
  const create = () => name.trim() && void run(api.call('strategy.create', { name: name.trim(), sector, language: i18n.language.startsWith('pt') ? 'pt' : 'en' }), (v) => { setName(''); onSelect(v.engagement.id); });
  const current = engagements.find((e) => e.id === selected) ?? null;
  const importFile = async (file: File) => run(api.call('strategy.import', { json: await file.text() }), (v) => onSelect(v.engagement.id));

  return (
    <section className="engagement-bar" aria-label={t('engagements')}>
      <select aria-label={t('engagements')} value={selected ?? ''} onChange={(e) => onSelect(e.target.value || null)} data-testid="engagement-select">
        <option value="">{engagements.length ? `${t('engagements')}…` : t('none')}</option>
        {engagements.map((e) => <option key={e.id} value={e.id}>{e.name}{e.client ? ` — ${e.client}` : ''}</option>)}
      </select>
      {current && (
        <>
          <button type="button" className="secondary" onClick={() => { const n = window.prompt(t('rename'), current.name)?.trim(); if (n) void run(api.call('strategy.rename', { engagementId: current.id, name: n })); }}>{t('rename')}</button>
          <button type="button" className="secondary" onClick={() => void run(api.call('strategy.duplicate', { engagementId: current.id }), (v) => onSelect(v.engagement.id))}>{t('duplicate')}</button>
          <button type="button" className="secondary danger-outline" onClick={() => { if (window.confirm(t('confirmDelete', { name: current.name }))) void run(api.call('strategy.delete', { engagementId: current.id }), () => onSelect(null)); }} data-testid="delete-engagement">{t('delete')}</button>
        </>
      )}
      <form className="strategy-row engagement-create" onSubmit={(ev) => { ev.preventDefault(); create(); }}>
        <input aria-label={t('newName')} placeholder={t('newName')} value={name} onChange={(e) => setName(e.target.value)} maxLength={200} data-testid="engagement-name" />
        <select aria-label={t('sector')} value={sector} onChange={(e) => setSector(e.target.value as 'private' | 'public')}>
          <option value="private">{t('private')}</option><option value="public">{t('public')}</option>
        </select>
        <button type="submit" disabled={!name.trim()} data-testid="create-engagement">{t('create')}</button>
      </form>
      <label className="file-button">{t('importJson')}
        <input type="file" accept="application/json,.json" className="sr-only" onChange={(e) => { const f = e.target.files?.[0]; e.target.value = ''; if (f) void importFile(f); }} data-testid="import-engagement" />
      </label>
    </section>
  );
}
