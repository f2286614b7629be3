import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Answer } from '../../../preload/contract';
import { repoRoot, tempDataDir } from '../../../test/run-server';
import { runCli } from '../index';

let dir: string;

async function cli(args: string[]) {
  let out = '';
  let err = '';
  const code = await runCli([...args, '--data-dir', dir], { out: (t) => { out += t; }, err: (t) => { err += t; } });
  return { code, out, err };
}

beforeAll(async () => {
  dir = tempDataDir();
  const r = await cli(['index', path.join(repoRoot, 'resources/sample-library')]);
  expect(r.code).toBe(0);
}, 180_000);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('bsc ask (offline)', () => {
  it('streams an extractive answer and prints its sources and the judge report', async () => {
    const r = await cli(['ask', 'Quais', 'indicadores', 'usar', 'na', 'perspectiva', 'de', 'aprendizado', 'e', 'crescimento?']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^_Resposta extrativa/);
    expect(r.out).toContain('## Perspectiva de Aprendizado e Crescimento');
    expect(r.out).toMatch(/Fontes:\n {2}\[1\] .+ \(.+\)/);
    expect(r.out).toMatch(/Juiz \(lexical\): (PASS|FAIL) — completude \d+%, fundamentação \d+%/);
    expect(r.err).toContain('… route');
  });

  it('--json prints the stored answer, and --conversation continues a conversation', async () => {
    const first = await cli(['ask', '--json', 'O que mede a perspectiva financeira?']);
    expect(first.code).toBe(0);
    const answer = Answer.parse(JSON.parse(first.out));
    expect(answer.status).toBe('complete');
    expect(answer.kind).toBe('extractive');
    expect(answer.sources.length).toBeGreaterThan(0);

    const follow = await cli(['ask', '--json', '--conversation', answer.conversationId, 'E os custos?']);
    const second = Answer.parse(JSON.parse(follow.out));
    expect(second.conversationId).toBe(answer.conversationId);
    // The lexical condenser carried the previous question's terms over.
    expect(second.standaloneQuestion).toMatch(/^E os custos\? \(.*mede.*\)$/);
  });

  it('exits 1 for an unknown conversation and 2 without a question', async () => {
    const r = await cli(['ask', '--conversation', 'nope', 'Pergunta?']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/NOT_FOUND/);
    expect((await cli(['ask'])).code).toBe(2);
  });
});
