// The document of the page-attribution measure: roman front matter (title, preface, a table of
// contents with dotted leaders, a foreword), then an arabic-numbered body of long paragraphs about
// fictional indicators, so many passages run over a page break. Deterministic: same bytes every run.
import type { PageLabelRange, PdfSection } from '../pdf-writer';
import { writeTextPdf } from '../pdf-writer';

const NAMES = ['Aroeira', 'Buriti', 'Caraúna', 'Dendezeiro', 'Embaúba', 'Faveiro', 'Guapuruvu', 'Ingazeiro', 'Jatobá', 'Jequitibá'];
const THEMES = ['fidelização de cooperados', 'prazo de entrega de grãos', 'custo unitário de armazenagem', 'capacitação de técnicos de campo',
  'retenção de clientes varejistas', 'perdas na secagem', 'margem por hectare', 'adesão ao crédito rural', 'qualidade do leite entregue', 'engajamento das equipes'];

/** One body section per fictional indicator: what it measures, how it is computed, its target and its pitfalls. */
function indicatorSection(i: number): PdfSection {
  const name = `Índice ${NAMES[i]}`;
  const theme = THEMES[i]!;
  const target = 70 + i * 3;
  return {
    heading: `${i + 1}. ${name}`,
    startOnNewPage: i % 4 === 0,
    paragraphs: [
      `O ${name} acompanha a ${theme} nas unidades da cooperativa. O ${name} foi proposto pela diretoria depois de ${2 + i} ciclos de planejamento em que a ${theme} aparecia nas reuniões sem nenhum número que a sustentasse. ` +
        `A equipe de estratégia descreveu o ${name} como um indicador de resultado da ${theme}, lido todo trimestre, com dono definido e fonte de dados conhecida. Na revisão anual de ${2015 + i}, os gestores confirmaram que o ${name} responde à pergunta que o mapa estratégico faz sobre a ${theme}, e que o ${name} não repete nenhum outro indicador do painel.`,
      `O cálculo do ${name} divide o valor de ${theme} observado no trimestre pelo valor de referência do mesmo trimestre do ano anterior e multiplica o resultado por cem. Quando a unidade não tem histórico de ${theme}, o ${name} usa a média das ${3 + i} unidades da mesma região. ` +
        `Os dados do ${name} vêm do módulo ${NAMES[(i + 3) % NAMES.length]} do sistema de gestão e são conferidos pela controladoria antes da publicação. Um ${name} acima de cem indica melhora da ${theme} em relação ao ano anterior; abaixo de cem, piora. A fórmula do ${name} foi mantida estável por ${3 + (i % 3)} anos para permitir comparações.`,
      `A meta do ${name} para o ciclo atual é de ${target} pontos no consolidado, com metas próprias por unidade. A meta do ${name} foi escolhida a partir do melhor quartil das unidades no ano de ${2020 + (i % 4)}, e não por um acréscimo uniforme sobre o histórico da ${theme}. ` +
        `A armadilha mais comum com o ${name} é tratá-lo como fim em si mesmo: a diretoria lembra que o ${name} só faz sentido ligado aos objetivos de processos e de aprendizado que sustentam a ${theme}, e que uma meta do ${name} atingida com cortes nessas bases é uma vitória aparente.`,
        ],
  };
}

export interface PageAttributionDoc {
  bytes: Uint8Array;
  labels: PageLabelRange[];
  /** Questions, each about one indicator; every citation of every answer is checked. */
  questions: string[];
}

export async function pageAttributionDoc(): Promise<PageAttributionDoc> {
  const body = NAMES.map((_, i) => indicatorSection(i));
  const toc: PdfSection = {
    heading: 'Sumário',
    startOnNewPage: true,
    paragraphs: body.map((s, i) => `${s.heading} ${'.'.repeat(40)} ${1 + i * 2}`),
  };
  const sections: PdfSection[] = [
    { heading: 'Prefácio', startOnNewPage: true, paragraphs: ['Este manual reúne os indicadores da cooperativa, um por capítulo, com o cálculo, a meta e as armadilhas de cada um. Ele serve às reuniões de análise estratégica e ao treinamento de novos gestores.'] },
    toc,
    { heading: 'Apresentação', startOnNewPage: true, paragraphs: ['A cooperativa adotou o Balanced Scorecard há cinco anos. Os indicadores deste manual foram revisados no último ciclo e são os que a diretoria acompanha todo trimestre.'] },
    ...body.map((s, i) => (i === 0 ? { ...s, startOnNewPage: true } : s)),
  ];
  // Front matter (title page, preface, contents, foreword) in roman numerals; the body from 1.
  const labels: PageLabelRange[] = [{ startIndex: 0, style: 'r' }, { startIndex: 4, style: 'D', start: 1 }];
  const bytes = await writeTextPdf({ title: 'Manual de Indicadores da Cooperativa', sections, pageLabels: labels, author: 'Agente BSC eval' });
  const questions = NAMES.flatMap((n, i) => [
    `Como se calcula o Índice ${n}?`,
    `Qual é a meta do Índice ${n} e como ela foi escolhida?`,
    `Qual é a armadilha mais comum com o Índice ${n}?`,
    `O que o Índice ${n} acompanha e quem o propôs?`,
    `De onde vêm os dados do Índice ${n} e quem os confere?`,
    `Quando foi a revisão anual do Índice ${n} e o que os gestores confirmaram sobre a ${THEMES[i]}?`,
  ]);
  return { bytes, labels, questions };
}
