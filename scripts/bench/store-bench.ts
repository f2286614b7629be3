// Bench sections for the library's storage (STORE): searches from many clients at once through the
// reader-thread pool, and backup time against a plain copy of the same files.
import { execFileSync } from 'node:child_process';
import { createHash, randomFillSync } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defaultSettings } from '../../preload/contract';
import { writeLibraryBackup } from '../../main/engine/backup/backup';
import { verifyBackup } from '../../main/engine/backup/verify';
import { LATEST_SCHEMA_VERSION } from '../../main/engine/db/migrate';
import { openAppDatabase } from '../../main/engine/db/open';
import { originalPath } from '../../main/engine/ingest/index-document';
import { silentLog } from '../../main/engine/observability/log';
import { createReaderPool, defaultReaderThreads } from '../../main/engine/retrieval/reader-pool';
import { dataPaths } from '../../main/engine/settings/data-dir';
import { createEmbeddedStore } from '../../main/engine/vectorstore/embedded';
import { syntheticDraws, writeSyntheticChunks, xorshift } from '../../main/engine/vectorstore/embedded-latency';
import { latencyStats } from './latency-stats';
import type { BenchMetric } from './report';

/** `clients` loops searching for `seconds`; returns searches per second and latencies. */
async function searchLoad(clients: number, seconds: number, search: (i: number) => Promise<unknown>, signal: AbortSignal) {
  const latencies: number[] = [];
  const until = performance.now() + seconds * 1000;
  let n = 0;
  const client = async () => {
    while (performance.now() < until && !signal.aborted) {
      const t = performance.now();
      await search(n++);
      latencies.push(performance.now() - t);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: clients }, client));
  return { perSecond: latencies.length / ((performance.now() - started) / 1000), ...latencyStats(latencies) };
}

/**
 * Hybrid searches (question vectors given) on a generated library through the reader pool at its
 * default size: 20 concurrent clients ÷ one client.
 */
export async function measureSearchConcurrency(chunks: number, dims: number, seconds: number, signal: AbortSignal): Promise<{ metrics: BenchMetric[]; notes: string[] }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bsc-bench-readers-'));
  const db = openAppDatabase(path.join(dir, 'library.sqlite'));
  const pool = createReaderPool({ size: defaultReaderThreads(), log: silentLog });
  try {
    const draws = syntheticDraws(xorshift(42), dims);
    const built = performance.now();
    writeSyntheticChunks(db, chunks, draws);
    const buildS = Math.round((performance.now() - built) / 1000);
    const asked = Array.from({ length: 200 }, () => ({ v: draws.vector(), q: draws.terms() }));
    const store = createEmbeddedStore(db, { dimensions: dims });
    const search = (i: number) => {
      const { v, q } = asked[i % asked.length]!;
      return pool.execute({ db, store, embed: async () => [v], libraryLangs: ['pt'] }, { query: q, k: 10, mode: 'hybrid' });
    };
    await searchLoad(2, 1, search, signal); // warm the threads and the page cache
    const one = await searchLoad(1, seconds, search, signal);
    const twenty = await searchLoad(20, seconds, search, signal);
    const n = chunks >= 1000 ? `${chunks / 1000}k` : String(chunks);
    return {
      metrics: [
        { key: `readers.${n}.oneClientPerSecond`, label: `searches/s, 1 client, ${n} × ${dims}-d`, value: one.perSecond, unit: '/s' },
        { key: `readers.${n}.twentyClientsPerSecond`, label: `searches/s, 20 clients, ${n}`, value: twenty.perSecond, unit: '/s' },
        { key: `readers.${n}.throughputRatio`, label: `20 clients ÷ 1 client throughput, ${n}`, value: twenty.perSecond / one.perSecond, unit: '×', goal: { op: '>=', target: 1.7 } },
        { key: `readers.${n}.oneClientP50`, label: `1 client p50, ${n}`, value: one.p50, unit: 'ms' },
        { key: `readers.${n}.oneClientP95`, label: `1 client p95, ${n}`, value: one.p95, unit: 'ms' },
        { key: `readers.${n}.twentyClientsP50`, label: `20 clients p50, ${n}`, value: twenty.p50, unit: 'ms' },
        { key: `readers.${n}.twentyClientsP95`, label: `20 clients p95, ${n}`, value: twenty.p95, unit: 'ms' },
      ],
      notes: [`${n} chunks × ${dims}-d built in ${buildS} s; pool of ${pool.size} reader thread(s) + the engine thread under load, ${os.availableParallelism()} cores; hybrid, k=10, vectors given`],
    };
  } finally {
    await pool.close();
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** A data folder holding `megabytes` of generated PDFs (incompressible bodies, 2–8 MB each) listed in the library. */
function generatePdfLibrary(root: string, megabytes: number): number {
  const paths = dataPaths(root);
  fs.mkdirSync(paths.documents, { recursive: true });
  const db = openAppDatabase(paths.database);
  const rand = xorshift(7);
  const insert = db.prepare(`INSERT INTO documents (id, sha256, filename, mime, bytes, page_count, status, created_at) VALUES (?, ?, ?, 'application/pdf', ?, 1, 'indexed', ?)`);
  let total = 0;
  let i = 0;
  while (total < megabytes * 1024 * 1024) {
    const size = Math.round((2 + rand() * 6) * 1024 * 1024);
    const body = Buffer.alloc(size);
    randomFillSync(body);
    body.write('%PDF-1.7\n', 0);
    const sha = createHash('sha256').update(body).digest('hex');
    fs.writeFileSync(originalPath(paths.documents, sha, `doc-${i}.pdf`), body);
    insert.run(`doc-${i}`, sha, `doc-${i}.pdf`, size, new Date().toISOString());
    total += size;
    i++;
  }
  db.close();
  return i;
}

/** Backup (format 2, documents included) ÷ `cp -r` of the same database and documents, both from a warm cache. */
export async function measureBackupSpeed(megabytes: number, signal: AbortSignal): Promise<{ metrics: BenchMetric[]; notes: string[] }> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bsc-bench-backup-'));
  try {
    const root = path.join(work, 'data');
    const documents = generatePdfLibrary(root, megabytes);
    const paths = dataPaths(root);
    const copyTo = path.join(work, 'copy');
    fs.mkdirSync(copyTo);
    let t = performance.now();
    execFileSync('cp', ['-r', paths.documents, paths.database, copyTo]);
    execFileSync('sync');
    const copyMs = performance.now() - t;
    fs.rmSync(copyTo, { recursive: true, force: true });

    const db = openAppDatabase(paths.database);
    try {
      const settings = { ...defaultSettings, backup: { ...defaultSettings.backup, includeEmbeddingCache: false } };
      t = performance.now();
      const out = await writeLibraryBackup({ paths, database: () => db, settings: () => settings, embedder: () => null, log: silentLog }, { outPath: path.join(work, 'bench.bscbackup') }, { signal });
      execFileSync('sync');
      const backupMs = performance.now() - t;
      t = performance.now();
      const report = await verifyBackup(out.path, { maxSchemaVersion: LATEST_SCHEMA_VERSION, tempDir: work, signal });
      const verifyMs = performance.now() - t;
      if (!report.ok) throw new Error(`the bench backup failed verification: ${report.problems[0]}`);
      const mb = Math.round(megabytes);
      return {
        metrics: [
          { key: 'backup.copyMs', label: `cp -r of ${mb} MB of PDFs + database`, value: copyMs, unit: 'ms' },
          { key: 'backup.backupMs', label: `backup of the same (documents included)`, value: backupMs, unit: 'ms' },
          { key: 'backup.ratioToCopy', label: 'backup ÷ plain copy', value: backupMs / copyMs, unit: '×', goal: { op: '<=', target: 2 } },
          { key: 'backup.verifyMs', label: 'full verify of that archive (restore reads it like this)', value: verifyMs, unit: 'ms' },
          { key: 'backup.archiveRatio', label: 'archive size ÷ files size', value: out.bytes / (megabytes * 1024 * 1024), unit: '×' },
        ],
        notes: [`${documents} generated PDFs, ${mb} MB, page cache warm for both; archive ${Math.round(out.bytes / 1024 / 1024)} MB`],
      };
    } finally {
      db.close();
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}
