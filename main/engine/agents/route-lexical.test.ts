import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BscError } from '../errors';
import { isPerspective, perspectives, type Perspective } from './perspectives';
import { routeToPerspectives, scoreRouter, type RouterScore } from './route-lexical';

const repoRoot = path.resolve(import.meta.dirname, '../../..');
const devPath = path.resolve(repoRoot, '../shared/eval/bsc-queries-dev.json');
const heldoutPath = path.resolve(import.meta.dirname, 'fixtures/router-heldout.json');
const hasDev = existsSync(devPath);
if (!hasDev) console.log(`skipping router evaluation on the dev set: ${devPath} not found`);

interface Query {
  id: string;
  query: string;
  expected_perspectives: Perspective[];
}

function loadQueries(file: string): Query[] {
  const groups = JSON.parse(readFileSync(file, 'utf8')) as Record<string, Query[]>;
  const queries = Object.values(groups).flat();
  for (const q of queries) expect(q.expected_perspectives.every(isPerspective), q.id).toBe(true);
  return queries;
}

const fmt = (s: RouterScore) =>
  `P=${s.precision.toFixed(3)} R=${s.recall.toFixed(3)} F1=${s.f1.toFixed(3)} exact=${s.exact.toFixed(3)} (n=${s.n})`;

function evaluate(name: string, queries: Query[]): { router: RouterScore; baseline: RouterScore } {
  const predictions = queries.map((q) => routeToPerspectives(q.query));
  const sameSet = (a: Perspective[], b: Perspective[]) => a.length === b.length && a.every((p) => b.includes(p));
  const lines: string[] = [];
  queries.forEach((q, i) => {
    const got = predictions[i]!;
    if (!sameSet(got.perspectives, q.expected_perspectives)) {
      lines.push(
        `  ${q.id} "${q.query}"\n    predicted [${got.perspectives.join(', ')}] expected [${q.expected_perspectives.join(', ')}] — ${got.reason}`,
      );
    }
  });
  const expected = queries.map((q) => q.expected_perspectives);
  const router = scoreRouter(
    predictions.map((p) => p.perspectives),
    expected,
  );
  const baseline = scoreRouter(
    queries.map(() => [...perspectives]),
    expected,
  );
  console.log(
    `${name}\n  lexical router:     ${fmt(router)}\n  always all four:    ${fmt(baseline)}\n` +
      (lines.length > 0 ? `  mismatches:\n${lines.join('\n')}` : '  no mismatches'),
  );
  return { router, baseline };
}

describe('routeToPerspectives on evaluation sets', () => {
  it.skipIf(!hasDev)('beats "always all four" on bsc-queries-dev', () => {
    const queries = loadQueries(devPath);
    expect(queries).toHaveLength(20);
    const { router, baseline } = evaluate('bsc-queries-dev (20 pt)', queries);
    // Measured: F1 0.992, exact 0.95; baseline F1 0.849, exact 0.60.
    expect(router.f1).toBeGreaterThanOrEqual(0.95);
    expect(router.exact).toBeGreaterThanOrEqual(0.85);
    expect(router.f1).toBeGreaterThan(baseline.f1);
    expect(router.exact).toBeGreaterThan(baseline.exact);
  });

  it('generalises to our own held-out questions (pt and en)', () => {
    const queries = loadQueries(heldoutPath);
    expect(queries.length).toBeGreaterThanOrEqual(25);
    const { router, baseline } = evaluate('router-heldout (pt+en)', queries);
    // Measured: F1 0.991, exact 0.966; baseline F1 0.643, exact 0.241.
    expect(router.f1).toBeGreaterThanOrEqual(0.93);
    expect(router.exact).toBeGreaterThanOrEqual(0.85);
    expect(router.f1).toBeGreaterThan(baseline.f1);
  });
});

describe('routeToPerspectives behaviour', () => {
  it('routes a named perspective alone, in either language, with or without accents', () => {
    expect(routeToPerspectives('Quais indicadores usar na perspectiva financeira?').perspectives).toEqual(['financial']);
    expect(routeToPerspectives('quais indicadores usar na perspectiva de aprendizado e crescimento').perspectives).toEqual([
      'learning',
    ]);
    expect(routeToPerspectives('Como medir a satisfacao do cliente sem acentos?').perspectives).toEqual(['customer']);
    expect(routeToPerspectives('Which KPIs belong to the customer perspective?').perspectives).toEqual(['customer']);
  });

  it('gives a phrase to one perspective, not also to the perspective of its single words', () => {
    const employees = routeToPerspectives('Como medir a satisfação dos funcionários?');
    expect(employees.perspectives).toEqual(['learning']);
    expect(employees.scores.customer).toBe(0);
    const staff = routeToPerspectives('How do we improve employee retention?');
    expect(staff.perspectives).toEqual(['learning']);
  });

  it('keeps perspectives in canonical order and routes several when several are meant', () => {
    const r = routeToPerspectives('How does training affect customer loyalty and operating costs?');
    expect(r.perspectives).toEqual(['financial', 'customer', 'learning']);
    expect(r.reason).toMatch(/^Matched /);
    expect(r.reason).toContain('"training"');
  });

  it('sends questions about the scorecard as a whole to all four', () => {
    for (const q of ['What is a strategy map?', 'Como desdobrar o BSC para as unidades de negócio?', 'Explain all four perspectives']) {
      const r = routeToPerspectives(q);
      expect(r.perspectives, q).toEqual([...perspectives]);
      expect(r.needsClarification).toBe(false);
    }
  });

  it('asks for clarification when there is nothing to route', () => {
    for (const q of ['', '???', 'oi', 'help me', 'BSC?', 'Qual é o melhor?']) {
      const r = routeToPerspectives(q);
      expect(r.perspectives, q).toEqual([]);
      expect(r.needsClarification).toBe(true);
    }
    expect(routeToPerspectives('Ajuda').reason).toMatch(/vaga demais/);
    expect(routeToPerspectives('Tell me more').reason).toMatch(/too vague/);
  });

  it('explains itself in the language of the question', () => {
    expect(routeToPerspectives('Como reduzir custos e aumentar a margem?').reason).toBe(
      'Indícios de Financeira ("custos", "margem").',
    );
  });
});

describe('scoreRouter', () => {
  it('computes micro precision, recall, F1 and exact-set accuracy', () => {
    const s = scoreRouter(
      [['financial'], ['financial', 'customer', 'process', 'learning'], [], ['process']],
      [['financial'], ['customer'], [], ['learning']],
    );
    // TP 2 (financial, customer), predicted 6, relevant 3.
    expect(s.precision).toBeCloseTo(2 / 6, 12);
    expect(s.recall).toBeCloseTo(2 / 3, 12);
    expect(s.f1).toBeCloseTo(4 / 9, 12);
    expect(s.exact).toBe(0.5);
    expect(s.n).toBe(4);
  });

  it('ignores order and duplicates within a set', () => {
    expect(scoreRouter([['customer', 'financial', 'financial']], [['financial', 'customer']]).exact).toBe(1);
  });

  it('rejects mismatched lengths', () => {
    expect(() => scoreRouter([[]], [])).toThrow(BscError);
  });
});
