import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Engine } from '../engine';
import { silentLog } from '../observability/log';
import { waitForJobs } from '../../../test/wait-for-jobs';
import { createBackup } from './backup';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bsc-measure-'));
const engine = new Engine({ dataDir: path.join(dir, 'data'), log: silentLog });
await waitForJobs(engine, engine.importFiles([{ path: path.resolve('resources/sample-library') }]));
const db = engine.database();
// Fill to ~50 MB with text-like content (conversations' answers), realistic compressibility.
const words = 'perspectiva financeira cliente processos internos aprendizado crescimento indicador meta iniciativa mapa estratégico receita margem retenção satisfação'.split(' ');
const ins = db.prepare('INSERT INTO answer_cache (key, answer_json, created_at) VALUES (?, ?, ?)');
db.transaction(() => { for (let i = 0; i < 2500; i++) { const r = randomBytes(4000); let t = ''; for (const b of r) t += words[b % words.length] + (b % 7 === 0 ? ` ${b * i}` : '') + ' '; ins.run(`k${i}`, JSON.stringify({ t }), 'x'); } })();
db.pragma('wal_checkpoint(TRUNCATE)');
const dbSize = fs.statSync(engine.paths.database).size;
const docs = fs.readdirSync(engine.paths.documents).map((f) => path.join(engine.paths.documents, f));
const copyDir = path.join(dir, 'copy'); fs.mkdirSync(copyDir);
const t0 = performance.now();
fs.copyFileSync(engine.paths.database, path.join(copyDir, 'db'));
for (const d of docs) fs.copyFileSync(d, path.join(copyDir, path.basename(d)));
const copyMs = performance.now() - t0;
const t1 = performance.now();
const b = await createBackup(engine, { outPath: path.join(dir, 'b.bscbackup') });
const backupMs = performance.now() - t1;
console.log(JSON.stringify({ dbMB: +(dbSize / 1048576).toFixed(1), archiveMB: +(b.bytes / 1048576).toFixed(1), copyMs: Math.round(copyMs), backupMs: Math.round(backupMs), ratio: +(backupMs / copyMs).toFixed(1) }));

const queries = ['perspectiva financeira', 'satisfação do cliente', 'learning and growth', 'mapa estratégico', 'processos internos'];
async function latencies(n: number, stopWhen?: () => boolean) { const out: number[] = []; for (let i = 0; i < n && !(stopWhen?.()); i++) { const s = performance.now(); await engine.search({ query: queries[i % queries.length]! }); out.push(performance.now() - s); await new Promise((r) => setImmediate(r)); } return out; }
const p95 = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(0.95 * (s.length - 1))]!; };
const idle = await latencies(300);
let finished = false;
const running = createBackup(engine, { outPath: path.join(dir, 'c.bscbackup') }).then(() => { finished = true; });
const during = await latencies(100000, () => finished);
await running;
console.log(JSON.stringify({ idleP95: +p95(idle).toFixed(2), duringP95: +p95(during).toFixed(2), samplesDuring: during.length, ratio: +(p95(during) / p95(idle)).toFixed(2) }));
engine.close();
fs.rmSync(dir, { recursive: true, force: true });
