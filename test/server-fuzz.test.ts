import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { methodNames, methods } from '../preload/contract';
import { type RunningServer, authHeaders, startServer } from './run-server';

const BODIES_PER_METHOD = 100;

function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomValue(rand: () => number, depth = 0): unknown {
  const pick = Math.floor(rand() * (depth > 3 ? 6 : 9));
  const words = ['question', 'documentId', 'path', 'sources', 'mode', 'k', '__proto__', 'constructor', 'ui', 'chunkId', 'jobId', 'query', 'name', 'value', 'password', 'format', 'action', 'target'];
  switch (pick) {
    case 0: return null;
    case 1: return rand() < 0.5;
    case 2: return [0, -1, 1e308, -0, 3.5, Number.MAX_SAFE_INTEGER + 2][Math.floor(rand() * 6)];
    case 3: return '';
    case 4: return 'x'.repeat(Math.floor(rand() * 5000));
    case 5: return String.fromCharCode(...Array.from({ length: 20 }, () => Math.floor(rand() * 0xd7ff)));
    case 6: return Array.from({ length: Math.floor(rand() * 5) }, () => randomValue(rand, depth + 1));
    default: {
      const o: Record<string, unknown> = {};
      for (let i = Math.floor(rand() * 4); i >= 0; i--) o[words[Math.floor(rand() * words.length)]!] = randomValue(rand, depth + 1);
      return o;
    }
  }
}

/** A malformed or random body as raw text; null when the contract would accept it (never sent). */
function fuzzBody(name: (typeof methodNames)[number], rand: () => number, i: number): string | null {
  const raw = [
    () => JSON.stringify(randomValue(rand)),
    () => JSON.stringify(randomValue(rand)).slice(0, Math.floor(rand() * 20)), // truncated
    () => '{"a":'.repeat(2000) + '1' + '}'.repeat(2000), // deep nesting
    () => '['.repeat(50_000), // unbalanced
    () => Buffer.from(Array.from({ length: 64 }, () => Math.floor(rand() * 256))).toString('latin1'),
    () => '{"question": "\\ud800", "conversationId": 1}',
    () => `{"${'k'.repeat(300)}": 1, "${'k'.repeat(300)}": 2}`,
    () => 'null',
    () => '"just a string"',
    () => '{"__proto__": {"polluted": true}}',
  ][i % 10]!();
  let parsed: unknown;
  try { parsed = raw.trim() === '' ? undefined : JSON.parse(raw); } catch { return raw; }
  // The server reads a JSON null as "no input" (dispatch's parseInput), so judge it the same way.
  return methods[name].input.safeParse(parsed ?? undefined).success ? null : raw;
}

function rssKb(pid: number): number {
  const m = fs.readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+) kB/);
  return Number(m?.[1] ?? 0);
}

describe('fuzzing every API method with invalid bodies', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer({ env: { BSC_API_RATE_PER_MINUTE: '10000000' } });
  });
  afterAll(async () => {
    await server.stop();
    fs.rmSync(server.dataDir, { recursive: true, force: true });
  });

  it.skipIf(!fs.existsSync('/proc/self/status'))('answers each with a clear 4xx, keeps answering, and keeps its memory bounded', async () => {
    const pid = server.process.pid!;
    const rand = seeded(42);
    const jobs: Array<{ name: string; body: string }> = [];
    for (const name of methodNames) {
      for (let i = 0; i < BODIES_PER_METHOD; i++) {
        const body = fuzzBody(name, rand, i);
        if (body !== null) jobs.push({ name, body });
      }
    }
    // Method names that do not exist, too.
    for (let i = 0; i < 100; i++) jobs.push({ name: `no.such.${i}`, body: '{}' });
    expect(jobs.length).toBeGreaterThan(3000);

    const failures: string[] = [];
    const codes = new Map<number, number>();
    let sent = 0;
    const worker = async () => {
      for (;;) {
        const job = jobs[sent++];
        if (!job) return;
        const res = await fetch(`${server.url}/api/${encodeURIComponent(job.name)}`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...authHeaders(server.url) }, body: job.body });
        codes.set(res.status, (codes.get(res.status) ?? 0) + 1);
        const text = await res.text();
        let json: { ok?: boolean; error?: { code?: unknown; message?: unknown } } = {};
        try { json = JSON.parse(text); } catch { /* reported below */ }
        const clear = json.ok === false && typeof json.error?.code === 'string' && typeof json.error.message === 'string' && json.error.message.length > 0;
        if (res.status < 400 || res.status > 499 || !clear || /at .*\.(js|ts):\d+/.test(text)) {
          if (failures.length < 10) failures.push(`${job.name} ${JSON.stringify(job.body.slice(0, 80))} → ${res.status} ${text.slice(0, 200)}`);
        }
      }
    };
    // Two identical rounds: the first warms up (JIT, buffers); memory must not keep growing in the second.
    const started = Date.now();
    const before = rssKb(pid);
    await Promise.all(Array.from({ length: 16 }, worker));
    const afterFirst = rssKb(pid);
    sent = 0;
    await Promise.all(Array.from({ length: 16 }, worker));
    const afterSecond = rssKb(pid);
    const seconds = (Date.now() - started) / 1000;
    const mb = (kb: number) => Math.round(kb / 1024);
    console.log(`fuzz: ${2 * jobs.length} requests in ${seconds.toFixed(1)} s; statuses ${JSON.stringify(Object.fromEntries(codes))}; server RSS ${mb(before)} → ${mb(afterFirst)} → ${mb(afterSecond)} MB`);
    expect(failures).toEqual([]);
    expect(afterSecond - afterFirst).toBeLessThan(32 * 1024);
    const health = await fetch(`${server.url}/health`);
    expect(health.status).toBe(200);
    // No bad input reached the engine: its log has no failed calls from the fuzz.
    const status = await (await fetch(`${server.url}/api/status`, { method: 'POST', headers: authHeaders(server.url) })).json();
    expect(status.ok).toBe(true);
  }, 120_000);
});
