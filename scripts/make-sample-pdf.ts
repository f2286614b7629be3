import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { writeTextPdf } from './pdf-writer';
import type { PageLabelRange, PdfSection } from './pdf-writer';

export const SAMPLE_PDF_PATH = resolve(import.meta.dirname, '../resources/sample-library/guia-bsc-mapa-estrategico.pdf');
export const SAMPLE_PDF_TITLE = 'Guia prático do mapa estratégico no Balanced Scorecard';
export const SAMPLE_PDF_HEADER = 'Agente BSC · Guia do mapa estratégico';

// Title page, contents and foreword are front matter (i–iii); chapter 1 starts on page index 3 as "1".
export const SAMPLE_PAGE_LABELS: PageLabelRange[] = [
  { startIndex: 0, style: 'r' },
  { startIndex: 3, style: 'D', start: 1 },
];

const CHAPTERS: PdfSection[] = [
  {
    heading: '1. O que é um mapa estratégico',
    paragraphs: [
      'O mapa estratégico é a representação da estratégia de uma organização em uma única página. Nele, os objetivos estratégicos aparecem distribuídos pelas quatro perspectivas do Balanced Scorecard (Financeira, Clientes, Processos Internos e Aprendizado e Crescimento) e ligados por setas que indicam relações de causa e efeito. Robert Kaplan e David Norton apresentaram a ideia em artigos do fim da década de 1990 e a desenvolveram no livro Strategy Maps, de 2004.',
      'O mapa resolve um problema prático. Um scorecard com vinte indicadores, apresentado como tabela, não conta uma história: o leitor vê números, mas não entende por que aqueles números foram escolhidos nem como se relacionam. O mapa mostra a lógica da estratégia. Ele diz, por exemplo, que a empresa vai desenvolver as competências dos seus planejadores, para melhorar a pontualidade das entregas, para conquistar e reter clientes que valorizam prazo, para crescer com margem.',
      'Por isso o mapa é, antes de tudo, uma ferramenta de comunicação. Um colaborador que olha o mapa deve conseguir responder três perguntas: para onde a organização quer ir, como pretende chegar lá e onde o seu trabalho se encaixa. Um mapa que só os diretores entendem não cumpriu sua função.',
      'O mapa também é uma ferramenta de gestão. Como cada seta é uma hipótese, as reuniões de análise estratégica podem verificar se as hipóteses se confirmam. Quando um objetivo de processo melhora e o objetivo de clientes ligado a ele não se move, há algo a aprender: o indicador pode estar errado, o efeito pode demorar mais do que o previsto, ou a hipótese pode simplesmente ser falsa.',
    ],
  },
  {
    heading: '2. A arquitetura do mapa: perspectivas e temas',
    paragraphs: [
      'Em uma empresa com fins lucrativos, as perspectivas aparecem em camadas, de baixo para cima: Aprendizado e Crescimento na base, Processos Internos acima dela, Clientes em seguida e Financeira no topo. Essa ordem expressa a lógica de que os ativos intangíveis sustentam os processos, os processos entregam a proposta de valor e a proposta de valor gera os resultados financeiros. Em órgãos públicos e organizações sem fins lucrativos, a sociedade, o cidadão ou a missão ocupa o topo, e os recursos financeiros aparecem como base ou como restrição.',
      'Na camada financeira, o mapa costuma mostrar duas estratégias lado a lado: a de produtividade (melhorar a estrutura de custos e o uso dos ativos) e a de crescimento (ampliar oportunidades de receita e aumentar o valor gerado por cliente). O objetivo mais alto, geralmente o valor de longo prazo para o acionista ou as sobras para o cooperado, resulta das duas.',
      'Na camada de clientes, o mapa mostra os resultados esperados (participação de mercado, retenção, aquisição, satisfação, lucratividade por cliente) e a proposta de valor que os produz. A proposta de valor se descreve por atributos de produto e serviço (preço, qualidade, disponibilidade, funcionalidade), por atributos de relacionamento (atendimento, parceria) e por atributos de imagem (marca).',
      'Na camada de processos internos, os objetivos se agrupam em quatro conjuntos: gestão operacional, gestão de clientes, inovação e processos regulatórios e sociais. Cada conjunto gera valor em um horizonte de tempo diferente, dos meses da gestão operacional aos anos da inovação, e um mapa equilibrado tem objetivos em mais de um deles.',
      'Na base, a camada de aprendizado e crescimento reúne o capital humano, o capital da informação e o capital organizacional. Os objetivos desta camada devem ser específicos para os processos que sustentam: não basta "capacitar as pessoas", é preciso dizer quais competências, em quais funções, para qual processo.',
      'Além das camadas horizontais, os mapas bem construídos têm colunas verticais, os temas estratégicos. Um tema é um conjunto de objetivos, de todas as perspectivas, que conta uma parte da estratégia. Uma transportadora pode ter os temas "excelência operacional", "soluções logísticas para o agronegócio" e "segurança e sustentabilidade". Cada tema recebe um executivo responsável e uma parcela das iniciativas. Três a cinco temas costumam ser suficientes.',
    ],
  },
  {
    heading: '3. Cadeias de causa e efeito',
    paragraphs: [
      'A relação entre as perspectivas do BSC é de causa e efeito. Uma cadeia típica começa em uma competência, passa por um processo, chega a um resultado com clientes e termina em um resultado financeiro. Exemplo: treinar os operadores em manutenção autônoma aumenta a eficiência global dos equipamentos (OEE); equipamentos mais eficientes reduzem o lead time e aumentam a pontualidade; clientes atendidos no prazo renovam contratos; a retenção reduz o custo de aquisição de clientes e aumenta a receita recorrente, o que eleva a margem EBITDA.',
      'Toda seta deve poder ser lida em voz alta na forma "se... então...". Se a seta não faz sentido quando lida assim, ela provavelmente não deveria existir. Também convém evitar setas de todos para todos: um mapa em que cada objetivo se liga a cinco outros não comunica prioridade nenhuma. As setas mais importantes são as que a liderança está disposta a testar e pelas quais está disposta a responder.',
      'As cadeias também ajudam a distinguir indicadores de resultado e indicadores de tendência. Os objetivos no alto de uma cadeia são medidos por indicadores de resultado, que mostram o efeito final, como a margem ou a retenção. Os objetivos na base são medidos por indicadores de tendência, que antecipam o resultado, como a cobertura de competências ou o tempo de resposta a reclamações. Um scorecard só com indicadores de resultado avisa tarde demais; um scorecard só com indicadores de tendência não mostra se a estratégia está funcionando.',
      'É importante reconhecer o atraso entre causa e efeito. A melhoria de um processo pode levar meses para aparecer na satisfação dos clientes e mais meses ainda para aparecer nas finanças. Metas devem respeitar esse atraso: não faz sentido cobrar no mesmo trimestre o efeito financeiro de uma iniciativa de treinamento iniciada nele.',
    ],
  },
  {
    heading: '4. Como criar um mapa estratégico completo, passo a passo',
    paragraphs: [
      'Passo 1. Partir da missão, da visão e da proposta de valor. Antes de qualquer objetivo, o grupo precisa concordar sobre quais clientes a organização quer atender e por que esses clientes a escolheriam.',
      'Passo 2. Definir o objetivo financeiro mais alto e a lacuna de valor. Quanto a organização quer crescer em receita, margem ou sobras em três a cinco anos, e qual a distância entre essa ambição e a trajetória atual.',
      'Passo 3. Dividir a lacuna entre produtividade e crescimento, e daí nos temas estratégicos. Cada tema assume uma parcela da ambição.',
      'Passo 4. Escrever os objetivos de clientes: resultados esperados e atributos da proposta de valor.',
      'Passo 5. Escrever os objetivos de processos internos que entregam a proposta de valor e a produtividade, tema por tema.',
      'Passo 6. Escrever os objetivos de aprendizado e crescimento: quais competências, sistemas e aspectos de cultura cada processo crítico exige.',
      'Passo 7. Desenhar as setas, testando cada uma com a leitura "se... então...", e eliminar objetivos soltos.',
      'Passo 8. Escolher um ou dois indicadores para cada objetivo, com fórmula, linha de base e meta; e associar as iniciativas aos objetivos que elas movem.',
      'Passo 9. Validar o mapa com quem não participou das oficinas. Se um gerente intermediário não consegue contar a história da estratégia olhando para o mapa, ele precisa ser simplificado.',
      'Um mapa completo tem, em geral, de 15 a 25 objetivos. Objetivos devem começar com verbo e caber em uma linha: "reduzir o lead time do pedido à entrega" é melhor do que "lead time", que é um indicador, e melhor do que "buscar a excelência em todos os processos logísticos da empresa", que não diz nada de específico.',
    ],
  },
  {
    heading: '5. Exemplo: o mapa de uma transportadora regional',
    paragraphs: [
      'A Rota Serrana Logística é uma transportadora fictícia, com sede em Caxias do Sul, 600 colaboradores e frota de 220 veículos, que atende indústrias do Rio Grande do Sul e de Santa Catarina. Sua estratégia é ser a transportadora de carga fracionada mais pontual da Serra Gaúcha, crescendo em serviços de armazenagem para clientes industriais.',
      'Na perspectiva financeira, os objetivos são: aumentar a margem EBITDA de 9% para 12% em três anos; aumentar a receita de armazenagem para 25% da receita total; e reduzir o custo por quilômetro rodado. Na perspectiva dos clientes: ser reconhecida pela pontualidade, medida pelo índice de entregas no prazo e completas (OTIF), com meta de 97%; reter os clientes industriais, com taxa de retenção acima de 95%; e elevar o NPS de 31 para 50.',
      'Na perspectiva dos processos internos: reduzir o lead time de coleta e entrega de 52 para 36 horas; aumentar a ocupação média dos veículos; implantar a gestão de contas-chave para os 40 maiores clientes; e reduzir a taxa de frequência de acidentes. Na perspectiva de aprendizado e crescimento: formar planejadores de rota e motoristas em condução econômica e segura, com meta de 30 horas de treinamento por colaborador ao ano; integrar o sistema de gestão de transporte ao rastreamento da frota; e elevar o índice de engajamento de 58% para 70%.',
      'A cadeia central do mapa pode ser lida assim: se os planejadores dominarem a roteirização e os dados de rastreamento estiverem integrados, então o lead time cai e a ocupação dos veículos sobe; se o lead time cai, então a pontualidade aumenta; se a pontualidade aumenta, então os clientes industriais permanecem e ampliam o volume contratado; e a maior ocupação com maior volume eleva a margem EBITDA. Uma segunda cadeia liga a gestão de contas-chave ao crescimento da receita de armazenagem.',
      'As iniciativas aprovadas foram: roteirização dinâmica com telemetria (investimento de R$ 2,4 milhões, ROI esperado de 40% em três anos), programa de formação de motoristas, estrutura de gestão de contas-chave e um novo armazém em parceria com um cliente âncora.',
    ],
  },
  {
    heading: '6. Como testar as hipóteses do mapa',
    paragraphs: [
      'Depois de quatro a seis trimestres de dados, a organização já consegue fazer testes simples das setas do mapa. O primeiro é a comparação entre unidades: filiais que melhoraram mais o indicador da causa melhoraram também mais o indicador do efeito? O segundo é a análise temporal: a melhora da causa antecede a melhora do efeito, com o atraso esperado? O terceiro é a comparação entre grupos de clientes: clientes promotores têm, de fato, maior retenção e maior margem do que os detratores?',
      'Esses testes não são estudos científicos e não provam causalidade. Servem para aumentar ou reduzir a confiança nas hipóteses e para orientar a discussão nas reuniões de análise estratégica. Uma seta que repetidamente não se confirma deve ser revista: talvez falte um objetivo intermediário, talvez o indicador não capture o que importa, talvez a estratégia precise mudar.',
      'Um cuidado adicional: correlação entre indicadores pode ter uma terceira causa. Se as filiais maiores têm, ao mesmo tempo, mais treinamento e melhor pontualidade, o porte da filial pode explicar as duas coisas. Comparar unidades semelhantes reduz esse risco.',
    ],
  },
  {
    heading: '7. Erros comuns no desenho de mapas',
    paragraphs: [
      'Mapa como organograma. Cada diretoria ganha sua caixa no mapa, e os objetivos refletem a estrutura, não a estratégia. O sinal é um mapa em que a perspectiva de processos repete os nomes das áreas.',
      'Objetivos genéricos. "Satisfazer os clientes", "valorizar as pessoas" e "ser rentável" cabem em qualquer empresa. Um objetivo estratégico deve dizer algo que a concorrência não diria da mesma forma.',
      'Excesso de objetivos e de setas. Um mapa com quarenta objetivos e setas em todas as direções não serve para comunicar nem para gerir.',
      'Base vazia. Uma perspectiva de aprendizado e crescimento com um único objetivo genérico indica que a organização não pensou em como vai construir as capacidades que a estratégia exige.',
      'Mapa sem indicadores e sem iniciativas. O mapa descreve a estratégia, mas só vira gestão quando cada objetivo tem indicador, meta, iniciativa e dono.',
      'Mapa congelado. A estratégia muda; o mapa deve ser revisto ao menos uma vez por ano.',
    ],
  },
  {
    heading: '8. Lista de verificação do mapa estratégico',
    paragraphs: [
      'A proposta de valor está explícita na perspectiva dos clientes?',
      'As estratégias de produtividade e de crescimento aparecem na perspectiva financeira?',
      'Há entre três e cinco temas estratégicos, cada um com um executivo responsável?',
      'Todo objetivo começa com verbo, cabe em uma linha e tem pelo menos uma seta de entrada ou de saída?',
      'Os objetivos de aprendizado e crescimento dizem quais competências, sistemas e aspectos de cultura sustentam quais processos?',
      'Cada objetivo tem um ou dois indicadores de desempenho com fórmula, linha de base, meta e responsável?',
      'Cada iniciativa relevante está associada a pelo menos um objetivo, e há orçamento separado para as iniciativas estratégicas?',
      'Um colaborador que não participou das oficinas consegue contar a história da estratégia olhando para o mapa?',
      'Está definido quando e como as hipóteses de causa e efeito serão testadas?',
    ],
  },
];

const FRONT_MATTER: PdfSection[] = [
  {
    heading: 'Sobre este guia',
    paragraphs: [
      'Este guia explica como construir e usar um mapa estratégico no Balanced Scorecard: a arquitetura das quatro perspectivas, as cadeias de causa e efeito, um roteiro passo a passo, um exemplo de uma transportadora regional fictícia e os erros mais comuns.',
      'Texto original da biblioteca de exemplo do Agente BSC, distribuído com o aplicativo e sob a mesma licença. Os casos e números são fictícios e servem apenas para fins didáticos.',
    ],
  },
  {
    heading: 'Sumário',
    startOnNewPage: true,
    paragraphs: ['Apresentação', ...CHAPTERS.map((c) => c.heading)],
  },
  {
    heading: 'Apresentação',
    startOnNewPage: true,
    paragraphs: [
      'Quem já participou de uma oficina de planejamento estratégico conhece o momento em que a sala se enche de cartões com boas intenções e, semanas depois, ninguém se lembra exatamente do que foi decidido. O mapa estratégico é o antídoto para esse esquecimento: ele obriga a escolher poucos objetivos, a dizer como eles se relacionam e a medir cada um deles com indicadores de desempenho.',
      'Este guia foi escrito para consultores e equipes de estratégia que vão conduzir a construção de um mapa pela primeira vez. Os capítulos podem ser lidos em sequência ou consultados separadamente. As páginas da apresentação usam numeração romana; os capítulos usam numeração arábica a partir de 1.',
    ],
  },
];

/** The sample guide as PDF bytes; the same bytes every run, so the committed file can be checked. */
export function buildSamplePdf(): Promise<Uint8Array> {
  return writeTextPdf({
    title: SAMPLE_PDF_TITLE,
    sections: [...FRONT_MATTER, ...CHAPTERS.map((c) => ({ ...c, startOnNewPage: true }))],
    pageLabels: SAMPLE_PAGE_LABELS,
    header: SAMPLE_PDF_HEADER,
    footerWithPageNumber: true,
    lang: 'pt-BR',
    author: 'Agente BSC',
  });
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  buildSamplePdf()
    .then((bytes) => {
      writeFileSync(SAMPLE_PDF_PATH, bytes);
      console.log(`wrote ${SAMPLE_PDF_PATH} (${bytes.length} bytes)`);
    })
    .catch((err: unknown) => {
      console.error(err instanceof Error ? err.message : err);
      process.exit(1);
    });
}
