import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, authHeaders, callApi, startServer, waitFor } from './run-server';

type Family = { type: string; help: boolean; samples: Map<string, number> };

/**
 * A strict reader of the Prometheus text exposition format (0.0.4): HELP/TYPE comments, sample
 * lines `name{label="value",...} value`, every sample under a declared family, no family twice.
 */
function parseExposition(text: string): Map<string, Family> {
  const families = new Map<string, Family>();
  const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
  const LABELS = `\\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\\\\n]|\\\\[\\\\n"])*",?)*\\}`;
  const sampleRe = new RegExp(`^(${NAME})(${LABELS})? (-?(?:\\d+(?:\\.\\d+)?(?:e[+-]?\\d+)?|NaN|\\+Inf|-Inf))(?: -?\\d+)?$`);
  const familyOf = (sample: string) => {
    for (const suffix of ['_bucket', '_sum', '_count', '']) {
      const base = suffix && sample.endsWith(suffix) ? sample.slice(0, -suffix.length) : sample;
      const f = families.get(base);
      if (f && (suffix === '' || f.type === 'histogram' || f.type === 'summary')) return f;
    }
    return undefined;
  };
  text.split('\n').forEach((line, i) => {
    if (line === '') return;
    const where = `line ${i + 1}: ${line}`;
    const help = line.match(new RegExp(`^# HELP (${NAME}) .*$`));
    const type = line.match(new RegExp(`^# TYPE (${NAME}) (counter|gauge|histogram|summary|untyped)$`));
    if (type) {
      if (families.get(type[1]!)?.type) throw new Error(`family declared twice, ${where}`);
      families.set(type[1]!, { ...(families.get(type[1]!) ?? { help: false, samples: new Map() }), type: type[2]! });
      return;
    }
    if (help) {
      families.set(help[1]!, { ...(families.get(help[1]!) ?? { type: '', samples: new Map() }), help: true });
      return;
    }
    if (line.startsWith('#')) throw new Error(`unknown comment, ${where}`);
    const m = line.match(sampleRe);
    if (!m) throw new Error(`not a sample, ${where}`);
    const family = familyOf(m[1]!);
    if (!family?.type) throw new Error(`sample without a TYPE, ${where}`);
    family.samples.set(`${m[1]}${m[2] ?? ''}`, Number(m[3]));
  });
  return families;
}

async function scrape(url: string): Promise<Map<string, Family>> {
  const res = await fetch(`${url}/metrics`, { headers: authHeaders(url) });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parseExposition(await res.text());
}

const sample = (f: Map<string, Family>, family: string, series: string) => f.get(family)?.samples.get(series);

describe('GET /metrics', () => {
  let server: RunningServer;
  beforeAll(async () => { server = await startServer(); });
  afterAll(async () => {
    await server.stop();
    fs.rmSync(server.dataDir, { recursive: true, force: true });
  });

  it('is valid Prometheus text with every documented family', async () => {
    const m = await scrape(server.url);
    for (const [name, type] of Object.entries({
      bsc_questions_total: 'counter', bsc_errors_total: 'counter', bsc_answer_duration_seconds: 'histogram', bsc_answer_stage_duration_seconds: 'histogram',
      bsc_import_pages_total: 'counter', bsc_import_documents_total: 'counter', bsc_embedding_cache_hits_total: 'counter', bsc_embedding_cache_misses_total: 'counter',
      bsc_provider_calls_total: 'counter', bsc_provider_call_duration_seconds: 'histogram', bsc_provider_errors_total: 'counter',
      bsc_backup_last_success_timestamp_seconds: 'gauge', bsc_http_requests_total: 'counter', bsc_http_request_duration_seconds: 'histogram', bsc_engine_up: 'gauge',
    })) {
      expect(m.get(name)?.type, name).toBe(type);
      expect(m.get(name)?.help, name).toBe(true);
    }
    expect(sample(m, 'bsc_engine_up', 'bsc_engine_up')).toBe(1);
  });

  it('counts imports and HTTP requests as they happen', async () => {
    const before = await scrape(server.url);
    expect(sample(before, 'bsc_import_pages_total', 'bsc_import_pages_total')).toBe(0);
    const load = await callApi(server.url, 'library.loadSample');
    expect(load.json.ok).toBe(true);
    const after = await waitFor(async () => {
      const m = await scrape(server.url);
      return (sample(m, 'bsc_import_documents_total', 'bsc_import_documents_total{state="done"}') ?? 0) >= 9 ? m : undefined;
    }, 60_000, 'sample library imported');
    expect(sample(after, 'bsc_import_pages_total', 'bsc_import_pages_total')).toBeGreaterThanOrEqual(9);
    expect(sample(after, 'bsc_http_requests_total', 'bsc_http_requests_total{method="POST",route="/api/library.loadSample",status="200"}')).toBe(1);
    expect(sample(after, 'bsc_http_requests_total', 'bsc_http_requests_total{method="GET",route="/metrics",status="200"}')).toBeGreaterThanOrEqual(2);
    const history = await callApi(server.url, 'metrics.history');
    expect(history.json).toMatchObject({ ok: true, value: { points: expect.any(Array) } });
  });

  it('moves the question counters and latency histogram when questions are asked', async (ctx) => {
    const ask = await callApi(server.url, 'chat.ask', { question: 'Quais indicadores da perspectiva financeira?' });
    if (!ask.json.ok) {
      console.log(`skipped: chat.ask is not available in this build (${ask.json.error.code}: ${ask.json.error.message})`);
      ctx.skip();
    }
    const m = await waitFor(async () => {
      const s = await scrape(server.url);
      const answered = [...(s.get('bsc_questions_total')?.samples.values() ?? [])].reduce((a, b) => a + b, 0);
      return answered >= 1 ? s : undefined;
    }, 60_000, 'the answer to finish');
    expect(sample(m, 'bsc_answer_duration_seconds', 'bsc_answer_duration_seconds_count')).toBeGreaterThanOrEqual(1);
    expect([...(m.get('bsc_answer_stage_duration_seconds')?.samples.keys() ?? [])].some((k) => k.includes('stage="retrieve"'))).toBe(true);
  });
});
