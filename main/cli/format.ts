import type { ImportJob, LibraryDocument, SearchHit, Status } from '../../preload/contract';

const mark = (ok: boolean) => (ok ? 'ok  ' : 'FAIL');

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

export function formatStatus(s: Status): string {
  return [
    `Agente BSC ${s.versions.app} — ${s.healthy ? 'healthy' : 'UNHEALTHY'}`,
    `  ${mark(s.engine.ok)} engine        pid ${s.engine.pid}, ${s.engine.detail}`,
    `  ${mark(s.database.ok)} database      ${s.database.detail} (schema ${s.database.schemaVersion}, ${formatBytes(s.database.sizeBytes)}) ${s.database.path}`,
    `  ${mark(s.vectorStore.ok)} vector store  ${s.vectorStore.mode}: ${s.vectorStore.detail}`,
    ...(['embeddings', 'chat', 'rerank'] as const).map((k) => {
      const p = s.providers[k];
      const last = p.lastCall ? ` — last call ${p.lastCall.ok ? 'answered' : `failed: ${p.lastCall.detail}`} (${p.lastCall.at})` : p.id === 'none' ? '' : ' — not called yet';
      return `  ${mark(p.lastCall?.ok ?? true)} ${k.padEnd(13)} ${p.detail}${p.endpoint ? ` at ${p.endpoint}` : ''}${last}`;
    }),
    `       library       ${s.library.documents} documents, ${s.library.chunks} chunks, ${s.library.conversations} conversations`,
    `       data folder   ${s.dataDir}`,
    `       versions      node ${s.versions.node}, sqlite ${s.versions.sqlite}${s.versions.electron ? `, electron ${s.versions.electron}` : ''}`,
    '',
  ].join('\n');
}

export function formatJobProgress(job: ImportJob): string {
  const where = job.pages ? ` ${job.page}/${job.pages}` : '';
  return `  … ${job.filename}: ${job.stage}${where}${job.chunks ? `, ${job.chunks} chunks` : ''}`;
}

export function formatImportSummary(jobs: ImportJob[]): string {
  const lines = jobs.map((j) => {
    if (j.state === 'done') return `  ok    ${j.filename} — ${j.note ?? `${j.pages} pages, ${j.chunks} chunks`}`;
    if (j.state === 'needs-password') return `  FAIL  ${j.filename} — ${j.error?.code === 'WRONG_PASSWORD' ? 'wrong password' : 'needs a password'} (use --password)`;
    if (j.state === 'cancelled') return `  --    ${j.filename} — cancelled`;
    return `  FAIL  ${j.filename} — ${j.error ? `[${j.error.code}] ${j.error.message}` : 'failed'}`;
  });
  const ok = jobs.filter((j) => j.state === 'done').length;
  return `${lines.join('\n')}\n${ok} of ${jobs.length} imported\n`;
}

/** "p. 7", "p. 7 ff." for a passage running on; a Markdown section's label is its heading, shown as "§ heading". */
export function hitPages(h: Pick<SearchHit, 'pageLabel' | 'pageStart' | 'pageEnd'>): string {
  if (!/^[\divxlcdm]+$/i.test(h.pageLabel)) return `§ ${h.pageLabel}`;
  return h.pageStart === h.pageEnd ? `p. ${h.pageLabel}` : `p. ${h.pageLabel} ff.`;
}

/** A snippet as text: no Markdown heading marks, emphasis or table rules. */
export function plainSnippet(snippet: string): string {
  return snippet.replace(/(^|\s)#{1,6}\s+/g, '$1').replace(/\*\*|__/g, '').replace(/\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)+\|?/g, ' ').replace(/\s+/g, ' ').trim();
}

export function formatSearch(query: string, r: { hits: SearchHit[]; mode: string; tookMs: number }): string {
  if (r.hits.length === 0) return `No passages match "${query}" (${r.mode}).\n`;
  const lines = r.hits.map((h, i) => `${String(i + 1).padStart(2)}. ${h.title ?? h.filename}, ${hitPages(h)}  score ${h.score.toFixed(3)} [${h.store}]\n    ${plainSnippet(h.snippet)}`);
  return `${lines.join('\n')}\n${r.hits.length} passages, ${r.mode}, ${r.tookMs} ms\n`;
}

export function formatDocuments(docs: LibraryDocument[]): string {
  if (docs.length === 0) return 'The library is empty.\n';
  return `${docs.map((d) => `  ${d.id}  ${d.title ?? d.filename}  (${d.pageCount} pages, ${d.chunkCount} chunks, ${d.lang ?? '?'}, ${formatBytes(d.bytes)})`).join('\n')}\n${docs.length} documents\n`;
}
