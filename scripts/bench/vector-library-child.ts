// Child process of the bench (node --import tsx), so a long run can be stopped and its memory is
// its own. `embedded-latency N QUERIES` runs measureEmbeddedLatency; `build DIR N DIMS` writes a library of N chunks
// with N random DIMS-d vectors through the engine's own writers; `query DIR DIMS QUERIES` opens it
// as the engine does and times retrieve() (hybrid, k=10, the question's vector precomputed) against
// the raw sqlite-vec KNN statement. Each prints one JSON line.
import fs from 'node:fs';
import path from 'node:path';
import { openAppDatabase } from '../../main/engine/db/open';
import { retrieve } from '../../main/engine/retrieval/retrieve';
import { createEmbeddedStore } from '../../main/engine/vectorstore/embedded';
import { floatKnnTable, measureEmbeddedLatency, syntheticDraws, writeSyntheticChunks } from '../../main/engine/vectorstore/embedded-latency';
import { seededRandom } from '../make-bench-pdf';
import { latencyStats } from './latency-stats';

const K = 10;

function memoryMb(): { rss: number; peak: number } {
  const text = fs.readFileSync('/proc/self/status', 'utf8');
  const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

function build(dir: string, n: number, dims: number): void {
  const draws = syntheticDraws(seededRandom(7), dims);
  const started = performance.now();
  const db = openAppDatabase(path.join(dir, 'library.sqlite'));
  writeSyntheticChunks(db, n, draws);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  const bytes = fs.readdirSync(dir).reduce((sum, f) => sum + fs.statSync(path.join(dir, f)).size, 0);
  console.log(JSON.stringify({ buildMs: Math.round(performance.now() - started), diskBytes: bytes, memory: memoryMb() }));
}

async function query(dir: string, dims: number, queries: number): Promise<void> {
  const idle = memoryMb();
  const db = openAppDatabase(path.join(dir, 'library.sqlite'));
  const store = createEmbeddedStore(db, { dimensions: dims });
  const draws = syntheticDraws(seededRandom(99), dims);
  const asked = Array.from({ length: queries + 2 }, () => ({ v: draws.vector(), terms: draws.terms() }));
  const samples = { retrieveHybrid: [] as number[], rawKnn: [] as number[] };
  for (const [i, { v, terms }] of asked.entries()) {
    const t = performance.now();
    // The question's embedding is given, so only our own work is timed (not a provider's latency).
    const out = await retrieve({ db, store, embed: async () => [v], libraryLangs: ['pt'] }, { query: terms, k: K, mode: 'hybrid' });
    const ours = performance.now() - t;
    if (out.mode !== 'hybrid') throw new Error(`retrieve ran ${out.mode}, not hybrid`);
    if (i >= 2) samples.retrieveHybrid.push(ours); // the first two warm the page cache and the statements
  }
  // The engine's memory while searching, before the float baseline table below is built.
  const memory = memoryMb();
  const rawKnn = floatKnnTable(db, dims);
  for (const [i, { v }] of asked.entries()) {
    const t = performance.now();
    rawKnn.all(Buffer.from(v.buffer), K);
    if (i >= 2) samples.rawKnn.push(performance.now() - t);
  }
  db.close();
  console.log(JSON.stringify({ retrieveHybrid: latencyStats(samples.retrieveHybrid), rawKnn: latencyStats(samples.rawKnn), idle, memory }));
}

const [command, dir, ...rest] = process.argv.slice(2);
if (command === 'build' && dir) build(dir, Number(rest[0]), Number(rest[1]));
else if (command === 'query' && dir) await query(dir, Number(rest[0]), Number(rest[1]));
else if (command === 'embedded-latency' && dir) console.log(JSON.stringify({ ...(await measureEmbeddedLatency({ chunks: Number(dir), dimensions: Number(rest[1] ?? 1536), queries: Number(rest[0]) })), memory: memoryMb() }));
else {
  console.error('usage: vector-library-child.ts embedded-latency N QUERIES [DIMS] | build DIR N DIMS | query DIR DIMS QUERIES');
  process.exit(2);
}
