import { z } from 'zod';
import type { AnswerSource, JudgeReport, Perspective } from '../../../preload/contract';
import type { ChatMessage } from '../llm/chat-model';
import type { ConversationTurn } from '../db/conversations';
import { perspectives as allPerspectives, perspectiveNames } from './perspectives';
import { headingFor, type AnswerLanguage } from './sections';
import { sourceLabel } from './sources';

const languageName = (lang: AnswerLanguage) => (lang === 'pt' ? 'Brazilian Portuguese' : 'English');
const nameOf = (p: Perspective) => perspectiveNames[p].en;

function passagesBlock(sources: AnswerSource[]): string {
  return sources.map((s) => `[${s.n}] (${sourceLabel(s)})\n${s.quote.trim()}`).join('\n\n');
}

/** For the judge: each cited excerpt with the printed page label(s) it is shown with, then its whole passage. */
function excerptsBlock(sources: AnswerSource[]): string {
  return sources
    .map((s) => {
      const pages = (s.pageLabels ?? [s.pageLabel]).join('–');
      const excerpt = s.excerpt ? `Excerpt shown to the reader, cited as page ${pages}: "${s.excerpt.replace(/\s+/g, ' ').trim()}"\n` : '';
      return `[${s.n}] (${sourceLabel(s)})\n${excerpt}Whole passage:\n${s.quote.trim()}`;
    })
    .join('\n\n');
}

export function condensePrompt(question: string, history: ConversationTurn[]): ChatMessage[] {
  const turns = history
    .map((t) => `User: ${t.question}${t.answer ? `\nAssistant: ${t.answer.slice(0, 600)}${t.answer.length > 600 ? '…' : ''}` : ''}`)
    .join('\n\n');
  return [
    {
      role: 'system',
      content:
        'You rewrite a follow-up question from a conversation about the Balanced Scorecard as one standalone question that ' +
        'can be understood without the conversation. Keep the language of the follow-up. Reply with the question only.',
    },
    { role: 'user', content: `Conversation so far:\n${turns}\n\nFollow-up question: ${question}` },
  ];
}

export function routerPrompt(question: string): ChatMessage[] {
  return [
    {
      role: 'system',
      content:
        'You route questions for a Balanced Scorecard (Kaplan & Norton) assistant to the perspectives they concern: ' +
        '"financial" (revenue, costs, profitability, ROI, shareholders), "customer" (satisfaction, retention, market share, value proposition), ' +
        '"process" (internal business processes: operations, quality, cycle time, innovation, productivity), ' +
        '"learning" (learning and growth: people, skills, training, culture, information systems). ' +
        'Choose every perspective the question needs, and all four for a question about the scorecard as a whole or as a management system ' +
        '(strategy maps as a whole, the Execution Premium, the Office of Strategy Management, cascading and alignment, budgets and strategy reviews, ' +
        'the public sector and nonprofits, implementation). One incidental word does not decide the route; when unsure, include the perspective. ' +
        'If the question is too vague to answer, set needsClarification and write a short clarifying question in the language of the question. ' +
        'Reply with JSON: {"perspectives": ["financial"|"customer"|"process"|"learning", ...], "reason": "one sentence", "needsClarification": false, "clarifyingQuestion": null}',
    },
    { role: 'user', content: question },
  ];
}

const RouterReply = z.object({
  perspectives: z.array(z.string()).default([]),
  reason: z.string().default(''),
  needsClarification: z.boolean().default(false),
  clarifyingQuestion: z.string().nullable().optional(),
});

/** The first JSON object in a model's reply (models sometimes wrap it in prose or code fences). */
export function extractJson(text: string): unknown {
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  if (start < 0 || end <= start) return null;
  try {
    return JSON.parse(text.slice(start, end + 1));
  } catch {
    return null;
  }
}

export function parseRouterReply(text: string): { perspectives: Perspective[]; reason: string; needsClarification: boolean; clarifyingQuestion: string | null } | null {
  const parsed = RouterReply.safeParse(extractJson(text));
  if (!parsed.success) return null;
  const chosen = allPerspectives.filter((p) => parsed.data.perspectives.map((x) => x.toLowerCase()).includes(p));
  if (!parsed.data.needsClarification && chosen.length === 0) return null;
  return { perspectives: chosen, reason: parsed.data.reason, needsClarification: parsed.data.needsClarification, clarifyingQuestion: parsed.data.clarifyingQuestion ?? null };
}

export function specialistPrompt(p: Perspective, question: string, passages: AnswerSource[], lang: AnswerLanguage): ChatMessage[] {
  const numbers = passages.map((s) => `[${s.n}]`).join(', ');
  return [
    {
      role: 'system',
      content:
        `You are the specialist for the ${nameOf(p)} perspective of the Balanced Scorecard. Using only the numbered passages below, ` +
        `write a concise draft (3 to 6 sentences, in ${languageName(lang)}) of what they say about the question from the ${nameOf(p)} perspective. ` +
        `Cite every claim with the number of the passage that supports it, like [${passages[0]?.n ?? 1}]. You may cite only ${numbers}. ` +
        'If the passages do not cover the question, say so in one sentence. Do not use outside knowledge.\n\n' +
        `Passages:\n\n${passagesBlock(passages)}`,
    },
    { role: 'user', content: question },
  ];
}

export interface SynthesisInput {
  question: string;
  lang: AnswerLanguage;
  perspectives: Perspective[];
  drafts: Array<{ perspective: Perspective; draft: string }>;
  sources: AnswerSource[];
  /** For the refinement round: the judge's report on the previous answer and that answer. */
  revision?: { previous: string; judge: JudgeReport };
}

export function synthesizerPrompt(input: SynthesisInput): ChatMessage[] {
  const headings = input.perspectives.map((p) => `## ${headingFor(p, input.lang)}`).join('\n');
  const drafts = input.drafts.map((d) => `### Draft for the ${nameOf(d.perspective)} perspective\n${d.draft}`).join('\n\n');
  const sourceList = input.sources.map((s) => `[${s.n}] ${sourceLabel(s)}`).join('\n');
  const system =
    `You write the final answer of a Balanced Scorecard assistant, in ${languageName(input.lang)}, from the specialists' drafts. ` +
    `Start with one or two sentences that answer the question directly, then one section per perspective under exactly these Markdown headings, in this order:\n${headings}\n` +
    'Keep the drafts\' [n] citations on the sentences they support; do not invent citation numbers or facts the drafts do not give. ' +
    'Every factual sentence needs a citation. Write plain Markdown, no HTML.';
  let user = `Question: ${input.question}\n\nSpecialists' drafts:\n\n${drafts}\n\nSources:\n${sourceList}`;
  if (input.revision) {
    const unsupported = input.revision.judge.claims.filter((c) => !c.supported).map((c) => `- ${c.sentence} (${c.reason})`);
    user +=
      `\n\nA reviewer checked your previous answer against the cited passages and found problems.\nReviewer feedback: ${input.revision.judge.feedback}\n` +
      (unsupported.length ? `Claims the passages do not support:\n${unsupported.join('\n')}\n` : '') +
      `\nPrevious answer:\n${input.revision.previous}\n\nRewrite the answer fixing these problems: remove or correct unsupported claims, and cite the right passages.`;
  }
  return [
    { role: 'system', content: system },
    { role: 'user', content: user },
  ];
}

export function judgePrompt(input: { question: string; answer: string; cited: AnswerSource[]; perspectives: Perspective[]; lang: AnswerLanguage }): ChatMessage[] {
  return [
    {
      role: 'system',
      content:
        'You are the judge of a Balanced Scorecard assistant. You receive a question, an answer with [n] citations, and the cited passages themselves. ' +
        'For each sentence of the answer that makes a claim, check whether the excerpt it cites, on the page it is cited with, really supports it, ' +
        'and whether the sentence answers the question. A sentence the excerpt does not say, a page number that is not the excerpt\'s page, ' +
        'or a sentence that does not address the question is not supported. Then score from 0 to 1: ' +
        `completeness (does it answer the question for the perspectives ${input.perspectives.map(nameOf).join(', ')}), ` +
        'grounding (share of claims supported by their cited passages), citationQuality (are citations present, correct and specific). ' +
        `Write the feedback and reasons in ${languageName(input.lang)}; quote each claim's sentence exactly as it appears in the answer. ` +
        'Reply with JSON: {"completeness": 0.0, "grounding": 0.0, "citationQuality": 0.0, "verdict": "pass"|"fail", "feedback": "what to fix", ' +
        '"claims": [{"sentence": "...", "citations": [1], "supported": true, "reason": "..."}]}',
    },
    {
      role: 'user',
      content: `Question: ${input.question}\n\nAnswer:\n${input.answer}\n\nCited excerpts (with their printed page labels) and passages:\n\n${excerptsBlock(input.cited)}`,
    },
  ];
}

const score = z.coerce.number().transform((x) => (Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0));
const JudgeReply = z.object({
  completeness: score,
  grounding: score,
  citationQuality: score,
  verdict: z.string().optional(),
  feedback: z.string().default(''),
  claims: z
    .array(
      z.object({
        sentence: z.string(),
        citations: z.array(z.coerce.number().int()).default([]),
        supported: z.boolean(),
        reason: z.string().default(''),
      }),
    )
    .default([]),
});

export type ParsedJudgeReply = z.infer<typeof JudgeReply> & { verdict: 'pass' | 'fail' };

export function parseJudgeReply(text: string): ParsedJudgeReply | null {
  const parsed = JudgeReply.safeParse(extractJson(text));
  if (!parsed.success) return null;
  return { ...parsed.data, verdict: parsed.data.verdict?.toLowerCase() === 'pass' ? 'pass' : 'fail' };
}
