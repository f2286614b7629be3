import { detectLanguage, foldDiacritics, isStopword, stemToken, type AnalyzedLanguage } from '../retrieval/analyze';
import { BscError } from '../errors';
import { perspectiveNames, perspectives, type Perspective } from './perspectives';

/**
 * The offline router: picks BSC perspectives for a question from Portuguese and English
 * perspective vocabulary (Kaplan & Norton's measures and themes), with no language model.
 * Cues are matched on stemmed, folded tokens, longest phrase first, so "satisfação dos
 * funcionários" counts for learning and not also as customer "satisfação".
 */

export interface RouteDecision {
  perspectives: Perspective[];
  reason: string;
  scores: Record<Perspective, number>;
  needsClarification: boolean;
  /** 'whole': a question about the BSC as a management system, answered from all four perspectives. */
  scope: 'whole' | 'perspectives';
}

// Cue tiers: a perspective named outright, a core measure or theme of it, a hint that is
// only suggestive (quality, technology, investment).
const NAMED = 3;
const CORE = 2;
const HINT = 1;

type CueTable = Record<Perspective, Partial<Record<typeof NAMED | typeof CORE | typeof HINT, string>>>;

// Lists are "|"-separated phrases; plural and gender forms mostly collapse under stemming.
const PT_CUES: CueTable = {
  financial: {
    [NAMED]: 'perspectiva financeira|dimensão financeira|perspectiva econômico-financeira|perspectiva do acionista',
    [CORE]: `financeiro|financeira|finanças|receita|faturamento|lucro|lucratividade|rentabilidade|retorno sobre investimento|
      retorno sobre o investimento|retorno sobre o capital|retorno sobre o capital empregado|capital empregado|retorno sobre ativos|retorno sobre o patrimônio|margem|margem bruta|
      margem líquida|margem operacional|margem de contribuição|custo|custos|redução de custos|despesa|despesas|fluxo de caixa|
      geração de caixa|caixa|valor econômico agregado|valor para o acionista|acionista|acionistas|dividendos|giro do ativo|
      utilização de ativos|capital de giro|orçamento|lucro por ação|valor de mercado|liquidez|endividamento|inadimplência|
      crescimento da receita|crescimento das vendas|mix de receitas|sustentabilidade financeira|viabilidade econômica|
      resultado econômico|custo unitário|custo por unidade|economia de custos|preço das ações|custos operacionais|
      custo operacional|despesas operacionais|resultado operacional|lucro operacional|roi|roe|roa|roce|eva|ebitda|ebit|
      capex|opex`,
    [HINT]: 'investimento|investimentos|vendas|econômico|econômica|recursos financeiros|capital',
  },
  customer: {
    [NAMED]: 'perspectiva do cliente|perspectiva dos clientes|perspectiva de clientes|perspectiva cliente|perspectiva de mercado',
    [CORE]: `cliente|clientes|consumidor|consumidores|satisfação|satisfeito|satisfação do cliente|retenção|retenção de clientes|
      reter clientes|fidelização|fidelidade|lealdade|aquisição de clientes|captação de clientes|conquista de clientes|
      novos clientes|participação de mercado|fatia de mercado|quota de mercado|proposta de valor|rentabilidade por cliente|
      lucratividade do cliente|experiência do cliente|reclamação|reclamações|relacionamento com o cliente|marca|
      imagem da marca|reputação|segmento de mercado|segmentos|público-alvo|mercado-alvo|valor percebido|recompra|
      atendimento ao cliente|evasão de clientes|perda de clientes|usuário|usuários|cidadão|cidadãos|nps|
      net promoter score|csat|churn|valor do cliente ao longo do tempo|ltv|cac|custo de aquisição de clientes`,
    [HINT]: 'mercado|atendimento|preço|imagem|paciente|pacientes|aluno|alunos|consumo',
  },
  process: {
    [NAMED]: `perspectiva de processos|perspectiva dos processos|perspectiva de processos internos|processos internos|
      processos de negócio|processos de negócios|processos internos de negócio|perspectiva interna`,
    [CORE]: `operações|operacional|eficiência|eficiência operacional|excelência operacional|qualidade|defeito|defeitos|
      retrabalho|desperdício|desperdícios|tempo de ciclo|ciclo|lead time|prazo de entrega|entrega no prazo|entregas|
      logística|cadeia de valor|cadeia de suprimentos|fornecedor|fornecedores|produção|manufatura|fabricação|inovação|
      inovações|desenvolvimento de produtos|desenvolvimento de novos produtos|novos produtos|lançamento de produtos|
      pesquisa e desenvolvimento|pós-venda|pós-vendas|assistência técnica|garantia|tempo de lançamento|seis sigma|
      melhoria contínua|melhoria de processos|automação|padronização|produtividade operacional|capacidade produtiva|
      tempo de resposta|tempo de atendimento|processos regulatórios|conformidade|segurança do trabalho|meio ambiente|
      impacto ambiental|ambiental|sustentabilidade ambiental|gestão de riscos|oee|sla|kaizen|lean|p&d|patentes|
      tempo médio de atendimento`,
    [HINT]: 'processo|processos|produtividade|operação|procedimentos|prazos|estoque|estoques|produtos|segurança',
  },
  learning: {
    [NAMED]: `perspectiva de aprendizado|perspectiva de aprendizagem|aprendizado e crescimento|aprendizagem e crescimento|
      aprendizado e conhecimento|perspectiva de pessoas|perspectiva de aprendizado e crescimento`,
    [CORE]: `capital humano|capital da informação|capital organizacional|ativos intangíveis|competência|competências|
      habilidades|capacitação|treinamento|treinamentos|qualificação|desenvolvimento de pessoas|desenvolvimento profissional|
      funcionário|funcionários|colaborador|colaboradores|empregado|empregados|servidores|pessoal|equipe|equipes|talento|
      talentos|recursos humanos|gestão de pessoas|satisfação dos funcionários|satisfação dos colaboradores|
      retenção de funcionários|retenção de talentos|rotatividade|absenteísmo|produtividade dos funcionários|motivação|
      engajamento|empoderamento|incentivos|remuneração|reconhecimento|liderança|líderes|cultura|cultura organizacional|
      clima organizacional|trabalho em equipe|gestão do conhecimento|conhecimento|sistemas de informação|
      tecnologia da informação|infraestrutura tecnológica|banco de dados|aprendizado|aprendizagem|aprendizado organizacional|
      plano de carreira|sucessão|educação corporativa|prontidão estratégica|famílias de cargos|cargos estratégicos|
      força de vendas|equipe de vendas`,
    [HINT]: 'tecnologia|sistemas|pessoas|informação|informações|dados|infraestrutura|alinhamento|ti|rh',
  },
};

const EN_CUES: CueTable = {
  financial: {
    [NAMED]: 'financial perspective|shareholder perspective',
    [CORE]: `financial|finance|finances|revenue|revenues|sales growth|revenue growth|profit|profits|profitability|
      return on investment|return on capital|return on capital employed|return on equity|return on assets|margin|margins|
      gross margin|net margin|operating margin|contribution margin|cost|costs|cost reduction|expense|expenses|cash flow|
      cash|economic value added|shareholder value|shareholder|shareholders|stockholders|dividends|asset utilization|
      asset turnover|working capital|budget|earnings|earnings per share|income|liquidity|debt|unit cost|revenue mix|
      share price|financial sustainability|operating costs|operating cost|operating expenses|operating income|
      operating profit|roi|roe|roa|roce|eva|ebitda|ebit|eps|capex|opex`,
    [HINT]: 'investment|investments|sales|economic|capital|funding|donors',
  },
  customer: {
    [NAMED]: 'customer perspective|customers perspective|client perspective|market perspective',
    [CORE]: `customer|customers|client|clients|consumer|consumers|satisfaction|customer satisfaction|satisfied|retention|
      customer retention|loyalty|customer loyalty|acquisition|customer acquisition|new customers|market share|account share|
      share of wallet|value proposition|customer profitability|customer experience|complaints|complaint|brand|reputation|
      customer relationship|market segment|segments|target market|target customers|perceived value|repeat purchase|
      repeat purchases|customer service|churn|users|citizens|nps|net promoter|net promoter score|csat|
      customer lifetime value|ltv|cac|customer acquisition cost`,
    [HINT]: 'market|markets|service|price|image|patients|students|buyers',
  },
  process: {
    [NAMED]: `internal process|internal processes|internal business process|internal business processes|process perspective|
      business processes|internal perspective`,
    [CORE]: `operations|operational|efficiency|operational efficiency|operational excellence|quality|defect|defects|rework|
      waste|cycle time|throughput|lead time|on-time delivery|delivery|logistics|value chain|supply chain|supplier|suppliers|
      production|manufacturing|innovation|innovations|product development|new products|new product|research and development|
      after-sales|after-sale|post-sale|warranty|time to market|six sigma|lean|continuous improvement|process improvement|
      automation|standardization|response time|regulatory|compliance|workplace safety|environmental|risk management|
      oee|sla|kaizen|r&d|patents|average handling time`,
    [HINT]: 'process|processes|productivity|procedures|inventory|products|safety',
  },
  learning: {
    [NAMED]: `learning and growth|learning & growth|learning perspective|growth perspective|people perspective|
      learning and growth perspective`,
    [CORE]: `human capital|information capital|organization capital|organizational capital|intangible assets|competency|
      competencies|competences|skill|skills|capabilities|training|trained|upskilling|reskilling|employee|employees|staff|
      workforce|personnel|talent|talents|human resources|people development|employee satisfaction|employee retention|
      staff turnover|turnover|absenteeism|employee productivity|motivation|engagement|empowerment|incentives|compensation|
      rewards|recognition|leadership|leaders|culture|organizational culture|organizational climate|climate|teamwork|
      knowledge management|knowledge|information systems|information technology|technology infrastructure|databases|
      learning|organizational learning|career|succession|corporate education|strategic readiness|job families|
      strategic job families|sales force|sales team`,
    [HINT]: 'technology|systems|people|information|data|infrastructure|alignment|hr|team|teams',
  },
};

// The question is about the scorecard as a whole, or asks which perspectives matter for something
// (answering that means weighing every one of them).
const PT_ALL_CUES = `quatro perspectivas|todas as perspectivas|cada perspectiva|cada uma das perspectivas|todas as dimensões|
  quais perspectivas|quais das perspectivas`;
const EN_ALL_CUES = `four perspectives|all perspectives|all four|each perspective|every perspective|all the perspectives|
  which perspectives|which of the perspectives`;
const PT_GENERAL_CUES = `balanced scorecard|bsc|scorecard|mapa estratégico|mapas estratégicos|perspectivas|gestão estratégica|
  planejamento estratégico|estratégia|objetivos estratégicos|implementação|implantação|causa e efeito|
  kaplan|norton|tema estratégico`;
const EN_GENERAL_CUES = `balanced scorecard|bsc|scorecard|strategy map|strategy maps|perspectives|strategic management|
  strategic planning|strategy|strategic objectives|implementation|implement|cause and effect|kaplan|
  norton|strategic theme`;

// The BSC as a management system (Kaplan & Norton's later books: Strategy Maps, Alignment, The
// Execution Premium; public-sector and nonprofit use): such a question concerns every perspective,
// whatever incidental measure word it also contains ("orçamento", "colaboradores").
const PT_WHOLE_CUES = `execution premium|premium da execução|escritório de gestão da estratégia|escritório da estratégia|
  escritório de estratégia|gestão da estratégia|sistema gerencial|sistema de gestão|ciclo fechado|desdobramento|desdobrar|
  cascateamento|cascatear|cascata|setor público|administração pública|órgão público|órgãos públicos|governo|prefeitura|
  sem fins lucrativos|terceiro setor|ong|mapa estratégico|mapas estratégicos|temas estratégicos|tema estratégico|
  causa e efeito|alinhamento estratégico|alinhar a organização|unidades de negócio|serviços compartilhados|
  comunicar a estratégia|comunicação da estratégia|reunião de análise da estratégia|revisão da estratégia|
  iniciativas estratégicas|missão e visão|missão|visão|curto prazo|longo prazo|indicadores de tendência|
  indicadores de resultado|implantar|implantação|implementar|implementação|etapas|painel de indicadores|
  quem criou|origem do balanced scorecard|objetivos e indicadores|orçamento e estratégia|estratégia e orçamento|
  alinhar orçamento|toda a empresa|toda a organização`;
const EN_WHOLE_CUES = `execution premium|office of strategy management|strategy office|strategy management|management system|
  closed loop|closed-loop|cascade|cascading|cascaded|public sector|government|governments|agency|agencies|nonprofit|
  nonprofits|non-profit|not-for-profit|strategy map|strategy maps|strategic themes|strategic theme|cause and effect|
  strategic alignment|alignment of business units|business units|shared services|communicate the strategy|
  strategy review|operational review|strategic initiatives|initiatives|mission and vision|mission|vision|short-term|
  long-term|lead and lag|leading and lagging|lead indicators|lag indicators|implementation|implementations|implement|
  objectives and measures|corporate scorecard|who created|strategy and budget|budget and strategy|
  budgets across|across the company|across the organization|whole organization`;

// Words that carry no topic, so a question made only of them is too vague to route.
const FILLER = new Set(
  `ajuda|ajude|help|oi|ola|olá|hello|hi|hey|ok|certo|tudo|bem|ai|aí|coisa|coisas|thing|things|melhor|best|better|
  mais|more|tell|diga|fale|fala|explique|explain|sobre|about|isso|aquilo|that|this|something|algo|favor|please|
  bom|good|sim|yes|nao|não|no|pode|can|quero|want|saber|know|mostre|show|veja|see|entao|então|so`
    .split('|')
    .map((w) => foldDiacritics(w.trim())),
);

interface Cue {
  lang: AnalyzedLanguage;
  stems: string[];
  target: Perspective | 'all' | 'general' | 'whole';
  weight: number;
}

// Quantifiers and "which" are stopwords for search but are the whole point of "all four",
// "cada perspectiva" or "quais perspectivas".
const KEPT_IN_CUES = new Set(['all', 'each', 'every', 'both', 'which', 'cada', 'todas', 'todos', 'ambas', 'ambos', 'quais']);

function isCueStopword(folded: string, lang: AnalyzedLanguage): boolean {
  return isStopword(folded, lang) && !KEPT_IN_CUES.has(folded);
}

function analyzeCue(phrase: string, lang: AnalyzedLanguage): string[] {
  return (foldDiacritics(phrase).match(/[\p{L}\p{N}]+/gu) ?? [])
    .filter((t) => !isCueStopword(t, lang))
    .map((t) => stemToken(t, lang));
}

function splitPhrases(list: string): string[] {
  return list
    .split('|')
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
}

function buildCues(): Cue[] {
  const cues: Cue[] = [];
  const add = (list: string, lang: AnalyzedLanguage, target: Cue['target'], weight: number) => {
    for (const phrase of splitPhrases(list)) {
      const stems = analyzeCue(phrase, lang);
      if (stems.length > 0) cues.push({ lang, stems, target, weight });
    }
  };
  for (const [lang, table] of [
    ['pt', PT_CUES],
    ['en', EN_CUES],
  ] as const) {
    for (const p of perspectives) {
      for (const weight of [NAMED, CORE, HINT] as const) {
        const list = table[p][weight];
        if (list) add(list, lang, p, weight);
      }
    }
  }
  add(PT_ALL_CUES, 'pt', 'all', 0);
  add(EN_ALL_CUES, 'en', 'all', 0);
  add(PT_WHOLE_CUES, 'pt', 'whole', 0);
  add(EN_WHOLE_CUES, 'en', 'whole', 0);
  add(PT_GENERAL_CUES, 'pt', 'general', 0);
  add(EN_GENERAL_CUES, 'en', 'general', 0);
  // Longest phrase first, so a specific phrase claims its words before a single-word cue can.
  return cues.sort((a, b) => b.stems.length - a.stems.length);
}

const CUES = buildCues();

interface QuestionToken {
  surface: string;
  folded: string;
  stem: Record<AnalyzedLanguage, string>;
  stop: Record<AnalyzedLanguage, boolean>;
}

function questionTokens(question: string): QuestionToken[] {
  const surfaces = question.normalize('NFC').toLowerCase().match(/[\p{L}\p{M}\p{N}]+/gu) ?? [];
  const tokens: QuestionToken[] = [];
  for (const surface of surfaces) {
    const folded = foldDiacritics(surface);
    if (folded.length === 0) continue;
    tokens.push({
      surface,
      folded,
      stem: { pt: stemToken(folded, 'pt'), en: stemToken(folded, 'en') },
      stop: { pt: isCueStopword(folded, 'pt'), en: isCueStopword(folded, 'en') },
    });
  }
  return tokens;
}

/** Positions the cue covers when it starts at `start`, skipping the cue language's stopwords in between. */
function matchAt(cue: Cue, tokens: QuestionToken[], start: number, used: boolean[]): number[] | null {
  const covered: number[] = [];
  let i = start;
  for (const stem of cue.stems) {
    while (covered.length > 0 && i < tokens.length && tokens[i]!.stop[cue.lang]) i++;
    const token = tokens[i];
    if (token === undefined || used[i] || token.stop[cue.lang] || token.stem[cue.lang] !== stem) return null;
    covered.push(i);
    i++;
  }
  return covered;
}

interface CueHit {
  target: Cue['target'];
  weight: number;
  text: string;
  position: number;
}

function findCues(tokens: QuestionToken[]): CueHit[] {
  const used = tokens.map(() => false);
  const hits: CueHit[] = [];
  // Where each stem occurs, per language: a cue is only tried where its first word is, which keeps
  // long passages (the importer tags every chunk) as cheap as questions.
  const starts = new Map<string, number[]>();
  tokens.forEach((t, i) => {
    for (const lang of ['pt', 'en'] as const) {
      if (t.stop[lang]) continue;
      const key = `${lang}:${t.stem[lang]}`;
      const list = starts.get(key);
      if (list) list.push(i);
      else starts.set(key, [i]);
    }
  });
  for (const cue of CUES) {
    for (const start of starts.get(`${cue.lang}:${cue.stems[0]}`) ?? []) {
      const covered = matchAt(cue, tokens, start, used);
      if (covered === null) continue;
      const first = covered[0]!;
      const last = covered[covered.length - 1]!;
      for (let i = first; i <= last; i++) used[i] = true;
      hits.push({
        position: first,
        target: cue.target,
        weight: cue.weight,
        text: tokens
          .slice(first, last + 1)
          .map((t) => t.surface)
          .join(' '),
      });
    }
  }
  // Question order, so the reason quotes the cues as the user wrote them.
  return hits.sort((a, b) => a.position - b.position);
}

// A perspective is kept on one core cue; hints alone count only when they are a fair share of
// the strongest perspective's score, so an incidental "qualidade" beside a named perspective is ignored.
const SHARE_OF_TOP = 0.34;

function isSelected(score: number, top: number): boolean {
  return score >= CORE || (score >= HINT && score >= SHARE_OF_TOP * top);
}

export function routeToPerspectives(question: string): RouteDecision {
  const tokens = questionTokens(question);
  const hits = findCues(tokens);
  const scores: Record<Perspective, number> = { financial: 0, customer: 0, process: 0, learning: 0 };
  const cuesBy: Record<Perspective, string[]> = { financial: [], customer: [], process: [], learning: [] };
  const generalCues: string[] = [];
  const allCues: string[] = [];
  const wholeCues: string[] = [];
  let named = false;
  for (const hit of hits) {
    if (hit.weight === NAMED) named = true;
    if (hit.target === 'all') allCues.push(hit.text);
    else if (hit.target === 'whole') wholeCues.push(hit.text);
    else if (hit.target === 'general') generalCues.push(hit.text);
    else {
      scores[hit.target] += hit.weight;
      if (!cuesBy[hit.target].includes(hit.text)) cuesBy[hit.target].push(hit.text);
    }
  }
  const top = Math.max(...perspectives.map((p) => scores[p]));
  const selected = perspectives.filter((p) => isSelected(scores[p], top));
  const contentWords = tokens.filter(
    (t) => !isStopword(t.folded, 'pt') && !isStopword(t.folded, 'en') && !FILLER.has(t.folded),
  ).length;

  const lang = detectLanguage(question) === 'en' ? 'en' : 'pt';
  const say = explain(lang);
  const all = [...perspectives];

  const whole = (reason: string): RouteDecision => ({ perspectives: all, scores, needsClarification: false, reason, scope: 'whole' });
  const some = (ps: Perspective[], reason: string): RouteDecision => ({ perspectives: ps, scores, needsClarification: false, reason, scope: 'perspectives' });
  if (allCues.length > 0) return whole(say.allNamed(allCues));
  // The BSC as a system: all four, unless a perspective is named outright.
  if (wholeCues.length > 0 && !named) return whole(say.general(wholeCues));
  // A general question that touches most perspectives is about the scorecard as a whole.
  if (selected.length >= 3 && generalCues.length > 0) return whole(say.general(generalCues));
  // A lone hint ("alinhar") does not outweigh an explicit question about the BSC itself.
  if (selected.length > 0 && top < CORE && generalCues.length > 0) return whole(say.general(generalCues));
  if (selected.length > 0) return some(selected, say.specific(selected, cuesBy));
  // One word ("BSC?") gives nothing to answer beyond a definition: ask what the user wants.
  if ((generalCues.length > 0 && contentWords >= 2) || contentWords >= 3 || wholeCues.length > 0) return whole(say.general([...wholeCues, ...generalCues]));
  return { perspectives: [], scores, needsClarification: true, reason: say.vague(), scope: 'perspectives' };
}

function quoteList(words: string[]): string {
  return words.map((w) => `"${w}"`).join(', ');
}

function explain(lang: 'pt' | 'en') {
  const name = (p: Perspective) => perspectiveNames[p][lang === 'pt' ? 'pt-BR' : 'en'];
  if (lang === 'en') {
    return {
      allNamed: (cues: string[]) => `The question asks about every perspective (${quoteList(cues)}).`,
      general: (cues: string[]) =>
        cues.length > 0
          ? `A general Balanced Scorecard question (${quoteList(cues)}), so all four perspectives.`
          : 'No specific perspective is mentioned, so all four perspectives.',
      specific: (ps: Perspective[], cuesBy: Record<Perspective, string[]>) =>
        `Matched ${ps.map((p) => `${name(p)} (${quoteList(cuesBy[p])})`).join('; ')}.`,
      vague: () => 'The question is too vague to route to a perspective; please say what you want to know.',
    };
  }
  return {
    allNamed: (cues: string[]) => `A pergunta trata de todas as perspectivas (${quoteList(cues)}).`,
    general: (cues: string[]) =>
      cues.length > 0
        ? `Pergunta geral sobre o Balanced Scorecard (${quoteList(cues)}), então as quatro perspectivas.`
        : 'Nenhuma perspectiva específica foi mencionada, então as quatro perspectivas.',
    specific: (ps: Perspective[], cuesBy: Record<Perspective, string[]>) =>
      `Indícios de ${ps.map((p) => `${name(p)} (${quoteList(cuesBy[p])})`).join('; ')}.`,
    vague: () => 'A pergunta é vaga demais para escolher uma perspectiva; diga o que deseja saber.',
  };
}

export interface RouterScore {
  precision: number;
  recall: number;
  f1: number;
  exact: number;
  n: number;
}

/**
 * Micro-averaged precision/recall/F1 over perspective labels and exact-set accuracy.
 * An empty prediction for an empty expectation counts as exact and adds no labels.
 */
export function scoreRouter(predictions: Perspective[][], expected: Perspective[][]): RouterScore {
  if (predictions.length !== expected.length) {
    throw new BscError('BAD_INPUT', `scoreRouter: ${predictions.length} predictions for ${expected.length} expected sets`);
  }
  let truePositives = 0;
  let predicted = 0;
  let relevant = 0;
  let exact = 0;
  predictions.forEach((prediction, i) => {
    const gold = new Set(expected[i]);
    const guess = new Set(prediction);
    predicted += guess.size;
    relevant += gold.size;
    for (const p of guess) if (gold.has(p)) truePositives++;
    if (guess.size === gold.size && [...guess].every((p) => gold.has(p))) exact++;
  });
  const precision = predicted === 0 ? 0 : truePositives / predicted;
  const recall = relevant === 0 ? 0 : truePositives / relevant;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  const n = predictions.length;
  return { precision, recall, f1, exact: n === 0 ? 0 : exact / n, n };
}
