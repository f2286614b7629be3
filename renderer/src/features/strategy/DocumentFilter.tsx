import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { LibraryDocument } from '../../../../preload/contract';
import type { Engagement } from '../../../../preload/strategy-contract';
import { api } from '../../lib/api';
import type { EditEngagement } from './use-engagement';

/** Which library documents the engagement's suggestions draw on: all, or the ones ticked. */
export function DocumentFilter({ engagement, edit }: { engagement: Engagement; edit: EditEngagement }) {
  const { t } = useTranslation('strategy');
  const [open, setOpen] = useState(false);
  const [docs, setDocs] = useState<LibraryDocument[]>([]);
  useEffect(() => { if (open) void api.call('library.list').then((r) => r.ok && setDocs(r.value.documents.filter((d) => d.status === 'indexed'))); }, [open]);
  const chosen = new Set(engagement.documentIds ?? []);
  const toggle = (id: string) => edit((e) => {
    const next = new Set(e.documentIds ?? []);
    if (next.has(id)) next.delete(id); else next.add(id);
    return { ...e, documentIds: next.size ? [...next] : null };
  });
  const label = engagement.documentIds ? t('docsSome', { count: engagement.documentIds.length }) : t('docsAll');
  return (
    <details className="document-filter" open={open} onToggle={(e) => setOpen((e.target as HTMLDetailsElement).open)}>
      <summary data-testid="document-filter">{label}</summary>
      <ul>
        {docs.map((d) => (
          <li key={d.id}><label><input type="checkbox" checked={chosen.has(d.id)} onChange={() => toggle(d.id)} /> {d.title ?? d.filename}</label></li>
        ))}
      </ul>
      {engagement.documentIds && <button type="button" className="link-button" onClick={() => edit((e) => ({ ...e, documentIds: null }))}>{t('docsAll')}</button>}
    </details>
  );
}
