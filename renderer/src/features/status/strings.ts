// Status chart strings (namespace "statusCharts"), registered here so the feature stays in its folder.
import { i18next } from '../../i18n';

export const statusChartStrings = {
  en: {
    title: 'Activity',
    range: 'Period',
    hours_one: 'last hour',
    hours_other: 'last {{count}} hours',
    questions: 'Questions',
    errors: 'Errors',
    p95: 'Answer time (p95)',
    pages: 'Pages imported',
    cacheHitRate: 'Embedding cache hits',
    perBucket: 'per {{minutes}} min',
    empty: 'No figures yet: the engine samples them every minute.',
    unavailable: 'Activity figures unavailable: {{message}}',
    peak: 'peak {{value}}',
    now: 'latest {{value}}',
  },
  'pt-BR': {
    title: 'Atividade',
    range: 'Período',
    hours_one: 'última hora',
    hours_other: 'últimas {{count}} horas',
    questions: 'Perguntas',
    errors: 'Erros',
    p95: 'Tempo de resposta (p95)',
    pages: 'Páginas importadas',
    cacheHitRate: 'Acertos no cache de embeddings',
    perBucket: 'por {{minutes}} min',
    empty: 'Ainda não há números: o motor os registra a cada minuto.',
    unavailable: 'Números de atividade indisponíveis: {{message}}',
    peak: 'pico {{value}}',
    now: 'último {{value}}',
  },
} as const;

for (const [lng, strings] of Object.entries(statusChartStrings)) i18next.addResourceBundle(lng, 'statusCharts', strings, true, false);

// Status detail strings (namespace "statusDetail"): providers' last calls, the store, the integrity check.
export const statusDetailStrings = {
  en: {
    notCalled: 'not called since the engine started',
    answered: 'answered {{when}}',
    failed: 'failed {{when}}: {{detail}}',
    none: 'none configured',
    at: 'at {{endpoint}}',
    points: '{{count}} points',
    integrity: 'Integrity',
    integrityNever: 'not checked yet (it runs every few hours)',
    integrityOk: 'checked {{when}} in {{ms}} ms: ok',
    integrityBad: 'checked {{when}}: {{detail}}',
    checkNow: 'Check now',
    checking: 'Checking…',
  },
  'pt-BR': {
    notCalled: 'não chamado desde que o motor iniciou',
    answered: 'respondeu {{when}}',
    failed: 'falhou {{when}}: {{detail}}',
    none: 'nenhum configurado',
    at: 'em {{endpoint}}',
    points: '{{count}} pontos',
    integrity: 'Integridade',
    integrityNever: 'ainda não verificada (roda a cada poucas horas)',
    integrityOk: 'verificada {{when}} em {{ms}} ms: ok',
    integrityBad: 'verificada {{when}}: {{detail}}',
    checkNow: 'Verificar agora',
    checking: 'Verificando…',
  },
} as const;

for (const [lng, strings] of Object.entries(statusDetailStrings)) i18next.addResourceBundle(lng, 'statusDetail', strings, true, false);
