import { describe, expect, it } from 'vitest';
import { detectChunkLanguage, detectDocumentLanguage, guessLanguage } from './language';

// A Spanish application form: short labelled fields, the kind of page once tagged Portuguese.
const SPANISH_FORM = `SOLICITUD DE REEMBOLSO DE GASTOS
Nombre y apellidos del solicitante: ____________
Número de documento de identidad: ____________
Dirección postal y teléfono de contacto: ____________
Por favor, rellene todos los campos con letra clara y adjunte las facturas originales.
La empresa se reserva el derecho de verificar los datos declarados en este formulario.
Firma del solicitante y fecha de entrega en el departamento de recursos humanos.`;

const FRENCH = `Le tableau de bord prospectif permet aux dirigeants de traduire la stratégie de l'entreprise
en objectifs mesurables pour chacune des quatre perspectives : financière, clients, processus internes
et apprentissage organisationnel. Les indicateurs sont revus chaque trimestre par le comité de direction.`;

const PORTUGUESE = `O Balanced Scorecard traduz a estratégia da empresa em objetivos, indicadores e metas para as
quatro perspectivas: financeira, clientes, processos internos e aprendizado e crescimento. A equipe revisa
os indicadores a cada trimestre e ajusta as iniciativas estratégicas quando os resultados não aparecem.`;

const ENGLISH = `The Balanced Scorecard translates the strategy of the company into objectives, measures and targets
across four perspectives: financial, customer, internal processes, and learning and growth. The team reviews
the measures every quarter and adjusts the strategic initiatives when results fall short.`;

const GERMAN = `Die Balanced Scorecard übersetzt die Strategie des Unternehmens in Ziele, Kennzahlen und Vorgaben für
vier Perspektiven: Finanzen, Kunden, interne Prozesse sowie Lernen und Entwicklung. Das Team überprüft die
Kennzahlen jedes Quartal und passt die strategischen Initiativen an, wenn die Ergebnisse ausbleiben.`;

describe('guessLanguage', () => {
  it.each([
    ['a Spanish form', SPANISH_FORM, 'es'],
    ['French prose', FRENCH, 'fr'],
    ['Portuguese prose', PORTUGUESE, 'pt'],
    ['English prose', ENGLISH, 'en'],
  ])('tags %s', (_what, text, lang) => {
    expect(guessLanguage(text)).toEqual({ lang, confident: true });
  });

  it('tags a language the index cannot stem as und (indexed unstemmed, not mis-stemmed)', () => {
    expect(guessLanguage(GERMAN).lang).toBe('und');
  });

  it('short texts: a language only on clear function-word evidence', () => {
    expect(guessLanguage('Relatório anual 2024')).toEqual({ lang: 'und', confident: false });
    expect(guessLanguage('KPI 12,5% ROI')).toEqual({ lang: 'und', confident: false });
    expect(guessLanguage('')).toEqual({ lang: 'und', confident: false });
    expect(guessLanguage('The role of the board')).toEqual({ lang: 'en', confident: true });
    expect(guessLanguage('Los objetivos del año')).toEqual({ lang: 'es', confident: true });
  });

  it('judges a long text by windows spread over it', () => {
    const long = `${PORTUGUESE}\n`.repeat(20);
    expect(long.length).toBeGreaterThan(4_000);
    expect(guessLanguage(long).lang).toBe('pt');
  });
});

describe('detectDocumentLanguage and detectChunkLanguage', () => {
  it('tags a document by its first pages', () => {
    expect(detectDocumentLanguage([SPANISH_FORM, SPANISH_FORM])).toBe('es');
    expect(detectDocumentLanguage([FRENCH])).toBe('fr');
    expect(detectDocumentLanguage(['', '  '])).toBe('und');
  });

  it('a short chunk takes its document language; a long one in another language keeps its own', () => {
    expect(detectChunkLanguage('Tabela 3 — metas 2024', 'pt')).toBe('pt');
    expect(detectChunkLanguage(ENGLISH, 'pt')).toBe('en');
    expect(detectChunkLanguage(FRENCH, 'es')).toBe('fr');
    expect(detectChunkLanguage(GERMAN, 'pt')).toBe('und');
  });

  it('a Portuguese chunk in a Portuguese document stays Portuguese even where Spanish scores close', () => {
    expect(detectChunkLanguage(PORTUGUESE, 'pt')).toBe('pt');
  });
});
