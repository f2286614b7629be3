import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../lib/api';
import { desktopFiles, pickImportSources } from '../../lib/files';
import { importFiles } from '../library/import-files';
import { useTrackedImports } from './use-tracked-imports';

type Props = { libraryCount: number | null; onLibraryChanged: () => void; onBusy: (busy: boolean) => void };

const ACCEPT = '.pdf,.md,.markdown,.txt,.docx,.png,.jpg,.jpeg';

/** First run: an empty library offers the sample primer and the user's own documents, and shows them being indexed. */
export function StartLibrary({ libraryCount, onLibraryChanged, onBusy }: Props) {
  const { t } = useTranslation('chat');
  const imports = useTrackedImports(onLibraryChanged);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const picker = useRef<HTMLInputElement>(null);
  const loading = busy || imports.running;
  const empty = libraryCount === 0;
  useEffect(() => onBusy(loading), [loading, onBusy]);

  const start = async (run: () => Promise<{ jobs: Parameters<typeof imports.track>[0]; error?: string }>) => {
    setBusy(true);
    setError(null);
    try {
      const out = await run();
      imports.track(out.jobs);
      if (out.error) setError(out.error);
    } finally {
      setBusy(false);
    }
  };
  const loadSample = () => start(async () => {
    const r = await api.call('library.loadSample');
    return r.ok ? { jobs: r.value.jobs } : { jobs: [], error: `${r.error.code}: ${r.error.message}` };
  });
  // The desktop app opens the OS's own dialog and hands the engine paths; the browser uploads picked files.
  const importFromDialog = () => start(async () => {
    const sources = await pickImportSources(false);
    if (sources.length === 0) return { jobs: [] };
    const r = await api.call('library.import', { sources });
    return r.ok ? { jobs: r.value.jobs } : { jobs: [], error: `${r.error.code}: ${r.error.message}` };
  });
  const importPicked = (files: File[]) => start(async () => {
    const out = await importFiles(files);
    const problems = [...out.failures.map((f) => `${f.filename}: ${f.message}`), ...out.skipped.map((name) => t('empty.skipped', { name }))];
    return { jobs: out.jobs, error: problems.length > 0 ? problems.join('\n') : undefined };
  });

  const failures = imports.failed.map((j) => `${j.filename}: ${j.error?.message ?? j.state}`);
  if (!empty && !loading && imports.total === 0) return null;
  if (!empty && !loading) {
    return (
      <>
        {libraryCount !== null && <p role="status" className="notice" data-testid="sample-ready">{t('empty.libraryReady', { count: libraryCount })}</p>}
        {failures.length > 0 && <p role="alert" className="alert import-failures">{failures.join('\n')}</p>}
      </>
    );
  }
  return (
    <div className="chat-sample" data-testid="sample-offer">
      <p>{t('empty.noLibrary')}</p>
      <div className="chat-start-actions">
        <button type="button" onClick={() => void loadSample()} disabled={loading} data-testid="chat-load-sample">{t('empty.loadSample')}</button>
        <button type="button" className="secondary" onClick={() => (desktopFiles() ? void importFromDialog().catch((err: Error) => setError(err.message)) : picker.current?.click())} disabled={loading} data-testid="chat-import-documents">{t('empty.importDocuments')}</button>
        <input
          ref={picker}
          type="file"
          multiple
          accept={ACCEPT}
          hidden
          onChange={(e) => { const files = [...(e.target.files ?? [])]; e.target.value = ''; if (files.length > 0) void importPicked(files); }}
          data-testid="chat-import-input"
        />
      </div>
      {loading && imports.total > 0 && (
        <p role="status" className="muted" data-testid="sample-progress">
          {t('empty.loadingSample', { done: imports.finished, total: imports.total })}
          <progress max={imports.total} value={imports.finished} aria-hidden="true" />
        </p>
      )}
      {error && <p role="alert" className="alert import-failures">{error}</p>}
      {failures.length > 0 && <p role="alert" className="alert import-failures">{failures.join('\n')}</p>}
    </div>
  );
}
