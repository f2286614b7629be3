import type { Perspective } from '../../../preload/contract';
import { foldDiacritics } from '../retrieval/analyze';
import { perspectives } from './perspectives';

export type AnswerLanguage = 'pt' | 'en';

const HEADINGS: Record<Perspective, Record<AnswerLanguage, string>> = {
  financial: { pt: 'Perspectiva Financeira', en: 'Financial perspective' },
  customer: { pt: 'Perspectiva dos Clientes', en: 'Customer perspective' },
  process: { pt: 'Perspectiva dos Processos Internos', en: 'Internal Business Processes perspective' },
  learning: { pt: 'Perspectiva de Aprendizado e Crescimento', en: 'Learning and Growth perspective' },
};

// Words that identify a perspective in a heading the model wrote in its own way.
const HEADING_CUES: Record<Perspective, RegExp> = {
  financial: /financ/,
  customer: /client|customer|mercado/,
  process: /process/,
  learning: /aprendizad|learning|crescimento e aprend|growth/,
};

export function headingFor(p: Perspective, lang: AnswerLanguage): string {
  return HEADINGS[p][lang];
}

/** Which perspective a heading names, if any ("## Perspectiva do Cliente" → customer). */
export function perspectiveOfHeading(heading: string): Perspective | null {
  const h = foldDiacritics(heading);
  // "learning and growth" mentions growth; processes can mention clients: test the specific cues first.
  for (const p of ['learning', 'process', 'financial', 'customer'] as const) if (HEADING_CUES[p].test(h)) return p;
  return null;
}

/** Cuts a Markdown answer into its perspective sections by their `## ` headings; text under other headings stays out. */
export function sectionsFromMarkdown(text: string): Array<{ perspective: Perspective; heading: string; text: string }> {
  const sections: Array<{ perspective: Perspective; heading: string; text: string }> = [];
  let current: { perspective: Perspective; heading: string; lines: string[] } | null = null;
  const close = () => {
    if (current) sections.push({ perspective: current.perspective, heading: current.heading, text: current.lines.join('\n').trim() });
  };
  for (const line of text.split('\n')) {
    const m = /^#{1,3}\s+(.+?)\s*#*\s*$/.exec(line);
    if (m) {
      close();
      const p = perspectiveOfHeading(m[1]!);
      current = p ? { perspective: p, heading: m[1]!.replace(/\*\*/g, ''), lines: [] } : null;
    } else current?.lines.push(line);
  }
  close();
  // One section per perspective, in the conventional order.
  return perspectives.flatMap((p) => sections.find((s) => s.perspective === p) ?? []);
}
