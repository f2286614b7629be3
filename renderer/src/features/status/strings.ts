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
