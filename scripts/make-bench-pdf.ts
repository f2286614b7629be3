import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { BscError } from '../main/engine/errors';
import { writeTextPdf } from './pdf-writer';
import type { PdfSection } from './pdf-writer';

/** Characters of body text per page: a dense but realistic report page. */
export const BENCH_CHARS_PER_PAGE = 2500;
const MAX_PAGES = 20_000;

// Sentences are assembled from these slots, so pages share a vocabulary (as a real library does)
// but differ in term frequencies, numbers and combinations, which gives BM25 real work to do.
const PT = {
  subjects: [
    'A diretoria financeira', 'O comitê de estratégia', 'A equipe comercial', 'O time de operações', 'A área de gente e gestão',
    'O conselho de administração', 'A cooperativa', 'A unidade de logística', 'O escritório de projetos', 'A gerência de qualidade',
    'O centro de distribuição', 'A controladoria', 'O setor de atendimento', 'A gestão de suprimentos', 'A universidade corporativa',
  ],
  verbs: [
    'revisou', 'aprovou', 'acompanhou', 'priorizou', 'redefiniu', 'mediu', 'comparou', 'reduziu', 'ampliou', 'consolidou',
    'monitorou', 'detalhou', 'negociou', 'automatizou', 'reestruturou',
  ],
  objects: [
    'a margem EBITDA', 'o retorno sobre o investimento', 'a taxa de retenção de clientes', 'o Net Promoter Score', 'o lead time de entrega',
    'a eficiência global dos equipamentos', 'as horas de treinamento por colaborador', 'o índice de engajamento', 'o custo de aquisição de clientes',
    'o giro de estoque', 'o prazo médio de recebimento', 'a participação de mercado', 'o índice de reclamações', 'a rotatividade voluntária',
    'o fluxo de caixa livre', 'a produtividade por hora trabalhada', 'o nível de serviço', 'a taxa de defeitos', 'o mapa estratégico', 'o painel de indicadores',
  ],
  complements: [
    'no último trimestre', 'em relação à meta anual', 'para sustentar a estratégia de crescimento', 'com base nos indicadores de desempenho',
    'depois da auditoria interna', 'nas filiais do Sul e do Sudeste', 'conforme o plano de ação aprovado', 'durante a revisão mensal',
    'para reduzir o desperdício nos processos internos', 'a fim de melhorar a satisfação dos clientes', 'sem comprometer a segurança operacional',
    'em alinhamento com a perspectiva de aprendizado e crescimento',
  ],
  results: [
    'O resultado ficou {n}% acima do previsto.', 'A variação foi de {n} pontos percentuais.', 'A meta para o próximo ciclo é {n}%.',
    'O indicador passou de {m} para {n}.', 'A iniciativa custou R$ {n} mil e tem retorno esperado em {m} meses.',
    'Foram registradas {n} ocorrências, contra {m} no período anterior.', 'O painel mostra tendência de alta há {m} meses.',
  ],
  headings: ['Relatório de desempenho', 'Reunião de análise estratégica', 'Ata do comitê', 'Plano de ação', 'Revisão de indicadores', 'Diagnóstico operacional'],
};

const EN = {
  subjects: [
    'The finance team', 'The strategy office', 'The sales organisation', 'The operations group', 'The people team', 'The board',
    'The logistics unit', 'The quality department', 'The customer service desk', 'The procurement team', 'The corporate academy',
  ],
  verbs: ['reviewed', 'approved', 'tracked', 'prioritised', 'redefined', 'measured', 'benchmarked', 'reduced', 'expanded', 'automated', 'audited'],
  objects: [
    'the EBITDA margin', 'the return on investment', 'the customer retention rate', 'the Net Promoter Score', 'the order lead time',
    'overall equipment effectiveness', 'training hours per employee', 'the employee engagement index', 'customer acquisition cost',
    'inventory turnover', 'days sales outstanding', 'market share', 'the complaint rate', 'voluntary turnover', 'free cash flow',
    'the strategy map', 'the scorecard dashboard', 'on-time delivery',
  ],
  complements: [
    'last quarter', 'against the annual target', 'to support the growth strategy', 'using the balanced scorecard measures',
    'after the internal audit', 'across the northern and southern branches', 'under the approved action plan', 'during the monthly review',
    'to cut waste in internal processes', 'to raise customer satisfaction', 'in line with the learning and growth perspective',
  ],
  results: [
    'The result came in {n}% above plan.', 'The gap was {n} percentage points.', 'Next cycle the target is {n}%.',
    'The measure moved from {m} to {n}.', 'The initiative cost {n} thousand dollars and should pay back in {m} months.',
    'There were {n} incidents, against {m} in the previous period.', 'The dashboard has shown an upward trend for {m} months.',
  ],
  headings: ['Performance report', 'Strategy review meeting', 'Committee minutes', 'Action plan', 'Scorecard review', 'Operations diagnosis'],
};

/** mulberry32: tiny, fast and seedable, so the same page count always yields the same document. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(rand: () => number, items: readonly T[]): T {
  const item = items[Math.floor(rand() * items.length)];
  if (item === undefined) throw new BscError('INTERNAL', 'Empty vocabulary list.');
  return item;
}

function sentence(rand: () => number, v: typeof PT): string {
  const n = String(Math.floor(rand() * 95) + 2);
  const m = String(Math.floor(rand() * 40) + 1);
  const result = pick(rand, v.results).replace('{n}', n).replace('{m}', m);
  return `${pick(rand, v.subjects)} ${pick(rand, v.verbs)} ${pick(rand, v.objects)} ${pick(rand, v.complements)}. ${result}`;
}

/** One page's worth of text: a heading and paragraphs totalling about BENCH_CHARS_PER_PAGE characters. */
export function benchPageSection(pageNo: number, rand: () => number): PdfSection {
  const v = rand() < 0.7 ? PT : EN;
  const paragraphs: string[] = [];
  let total = 0;
  while (total < BENCH_CHARS_PER_PAGE) {
    const sentences: string[] = [];
    const count = 2 + Math.floor(rand() * 3);
    for (let i = 0; i < count; i++) sentences.push(sentence(rand, v));
    const paragraph = sentences.join(' ');
    paragraphs.push(paragraph);
    total += paragraph.length;
  }
  return { heading: `${pick(rand, v.headings)} ${pageNo}`, paragraphs, startOnNewPage: pageNo > 1 };
}

/** A PDF of exactly `pages` pages of varied Portuguese/English business text, for import throughput runs. */
export async function makeBenchPdf(pages: number, seed = 20240601): Promise<Uint8Array> {
  if (!Number.isInteger(pages) || pages < 1 || pages > MAX_PAGES) {
    throw new BscError('BAD_INPUT', `Page count must be an integer from 1 to ${MAX_PAGES}, got ${pages}.`);
  }
  const rand = seededRandom(seed);
  const sections = Array.from({ length: pages }, (_, i) => benchPageSection(i + 1, rand));
  const bytes = await writeTextPdf({
    title: `Benchmark corpus (${pages} pages)`,
    sections,
    header: 'Agente BSC — benchmark corpus',
    footerWithPageNumber: true,
  });
  // Each section is sized to fit one page; check it, since a spill would skew pages-per-second.
  const count = (await PDFDocument.load(bytes, { updateMetadata: false })).getPageCount();
  if (count !== pages) throw new BscError('INTERNAL', `Bench PDF came out with ${count} pages instead of ${pages}.`);
  return bytes;
}

async function main(argv: string[]): Promise<void> {
  const [pagesArg, outArg] = argv;
  const pages = Number(pagesArg);
  if (!pagesArg || !outArg || !Number.isInteger(pages)) {
    console.error('usage: npx tsx scripts/make-bench-pdf.ts <pages> <out.pdf>');
    process.exit(2);
  }
  const started = performance.now();
  const bytes = await makeBenchPdf(pages);
  const out = resolve(outArg);
  writeFileSync(out, bytes);
  const ms = Math.round(performance.now() - started);
  console.log(`wrote ${out}: ${pages} pages, ${bytes.length} bytes in ${ms} ms`);
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
