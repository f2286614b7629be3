import type { Status } from '../../preload/contract';

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
    `       providers     embeddings: ${s.providers.embeddings}; chat: ${s.providers.chat}; rerank: ${s.providers.rerank}`,
    `       library       ${s.library.documents} documents, ${s.library.chunks} chunks, ${s.library.conversations} conversations`,
    `       data folder   ${s.dataDir}`,
    `       versions      node ${s.versions.node}, sqlite ${s.versions.sqlite}${s.versions.electron ? `, electron ${s.versions.electron}` : ''}`,
    '',
  ].join('\n');
}
