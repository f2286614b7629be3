/** The four Balanced Scorecard perspectives (Kaplan & Norton, 1996), in their conventional order. */
export const perspectives = ['financial', 'customer', 'process', 'learning'] as const;

export type Perspective = (typeof perspectives)[number];

export const perspectiveNames = {
  financial: { 'pt-BR': 'Financeira', en: 'Financial' },
  customer: { 'pt-BR': 'Clientes', en: 'Customer' },
  process: { 'pt-BR': 'Processos Internos', en: 'Internal Business Processes' },
  learning: { 'pt-BR': 'Aprendizado e Crescimento', en: 'Learning and Growth' },
} as const satisfies Record<Perspective, { 'pt-BR': string; en: string }>;

export function isPerspective(value: unknown): value is Perspective {
  return typeof value === 'string' && (perspectives as readonly string[]).includes(value);
}
