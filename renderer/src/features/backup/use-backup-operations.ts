import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { MethodOutput, Operation } from '../../../../preload/contract';
import { api } from '../../lib/api';
import { formatBytes } from '../../lib/format';

export type Listing = MethodOutput<'backup.list'>;
export type Check = { name: string; ok: boolean; detail: string };
export type Report = { path: string; ok: boolean; problems: string[]; checks: Check[] };
export type Notice = { tone: 'info' | 'error'; text: string };
export type OperationKind = 'backup' | 'verify' | 'restore';
type Started = { ok: true; value: { operation: Operation } } | { ok: false; error: { message: string; code: string } };

/**
 * The backup area's state: the list, the one operation this view follows (backup, verify or
 * restore, including a scheduled backup already running), and what it ended with.
 */
export function useBackupOperations() {
  const { t, i18n } = useTranslation('backup');
  const [listing, setListing] = useState<Listing | null>(null);
  const [listError, setListError] = useState<string | null>(null);
  const [op, setOp] = useState<Operation | null>(null);
  const [notice, setNotice] = useState<Notice | null>(null);
  const [report, setReport] = useState<Report | null>(null);
  const watching = useRef<string | null>(null);
  const date = useCallback((iso: string) => new Date(iso).toLocaleString(i18n.language), [i18n.language]);

  const refresh = useCallback(async () => {
    const r = await api.call('backup.list');
    if (r.ok) { setListing(r.value); setListError(null); } else setListError(r.error.message);
  }, []);

  useEffect(() => {
    void refresh();
    // A backup already running (the schedule, another window) shows its progress here too.
    void api.call('operations.list').then((r) => {
      const running = r.ok ? r.value.operations.find((o) => o.state === 'running' && o.kind === 'backup') : undefined;
      if (running && !watching.current) { watching.current = running.id; setOp(running); }
    });
  }, [refresh]);

  const finish = useCallback((o: Operation) => {
    watching.current = null;
    setOp(null);
    void refresh();
    if (o.state === 'cancelled') return setNotice({ tone: 'info', text: t('done.cancelled') });
    if (o.state === 'failed') return setNotice({ tone: 'error', text: t(`failed.${o.kind === 'verify' ? 'verify' : o.kind === 'restore' ? 'restore' : 'backup'}`, { message: o.error?.message ?? '' }) });
    const result = o.result as Record<string, unknown>;
    if (o.kind === 'backup') setNotice({ tone: 'info', text: t('done.backup', { filename: result.filename as string, size: formatBytes(result.bytes as number) }) });
    if (o.kind === 'verify') setReport(result as unknown as Report);
    if (o.kind === 'restore') {
      const counts = result.counts as { documents: number; conversations: number };
      setNotice({
        tone: 'info',
        text: result.safetyBackup
          ? t('done.restore', { date: date(result.createdAt as string), documents: counts.documents, conversations: counts.conversations })
          : t('done.restoreKept', { date: date(result.createdAt as string), path: result.previousKeptAt as string }),
      });
    }
  }, [date, refresh, t]);

  useEffect(() => api.on('onOperation', (o) => {
    if (o.kind === 'backup' && o.state === 'running' && !watching.current) watching.current = o.id; // scheduled
    if (o.id !== watching.current) {
      if (o.kind === 'backup' && o.state !== 'running') void refresh();
      return;
    }
    if (o.state === 'running') setOp(o);
    else finish(o);
  }), [finish, refresh]);

  /** Starts an operation and follows it; a refusal at the start becomes the notice. */
  const start = useCallback(async (call: () => Promise<Started>, kind: OperationKind) => {
    setNotice(null);
    setReport(null);
    const r = await call();
    if (!r.ok) return setNotice({ tone: 'error', text: t(`failed.${kind}`, { message: r.error.message }) });
    watching.current = r.value.operation.id;
    if (r.value.operation.state === 'running') setOp(r.value.operation);
    else finish(r.value.operation);
  }, [finish, t]);

  return { listing, listError, op, notice, setNotice, report, setReport, start, date };
}
