import type { ConversationTurn } from '../db/conversations';
import { isStopword, tokenize } from '../retrieval/analyze';
import { routeToPerspectives } from './route-lexical';

// Openers that make a question lean on the previous one ("e para clientes?", "what about cost?").
const FOLLOW_UP_OPENERS = /^(?:e|and|what about|how about|also|tamb[eé]m|mas|but|and what|e quanto|e sobre|e no caso|e na|e no|e para|e os|e as|isso|disso|nesse caso|then)\b/i;
const SHORT = 5;

function contentWords(text: string): string[] {
  return (text.match(/[\p{L}\p{N}][\p{L}\p{N}-]*/gu) ?? []).filter((w) => {
    const [t] = tokenize(w);
    return t !== undefined && t.length > 2 && !isStopword(t, 'pt') && !isStopword(t, 'en');
  });
}

/** True when a question reads as a follow-up: short, or opened with "e…", "and what about…". */
export function isFollowUp(question: string): boolean {
  return FOLLOW_UP_OPENERS.test(question.trim()) || contentWords(question).length <= SHORT;
}

/** A single word that alone points at one BSC perspective ("financeira", "clientes"). */
function namesPerspective(word: string): boolean {
  const r = routeToPerspectives(word);
  return !r.needsClarification && r.perspectives.length > 0 && r.perspectives.length < 4;
}

/**
 * The offline condenser: a follow-up gets the previous question's key terms appended, so
 * "E para clientes?" after "Quais indicadores usar?" searches for indicadores too. When the
 * follow-up names its own perspective, the previous one's perspective words are not carried over.
 */
export function condenseLexically(question: string, history: ConversationTurn[]): string {
  const previous = history.at(-1);
  if (!previous || !isFollowUp(question)) return question;
  const previousQuestion = previous.standaloneQuestion ?? previous.question;
  const own = new Set(contentWords(question).map((w) => tokenize(w).join('')));
  const followUpRoute = routeToPerspectives(question);
  const namesOwn = !followUpRoute.needsClarification && followUpRoute.perspectives.length < 4;
  const carried: string[] = [];
  // The previous question may already carry terms in parentheses from an earlier condensing.
  for (const w of contentWords(previousQuestion)) {
    const key = tokenize(w).join('');
    if (own.has(key) || carried.some((c) => tokenize(c).join('') === key)) continue;
    if (namesOwn && namesPerspective(w)) continue;
    carried.push(w);
  }
  return carried.length ? `${question.trim()} (${carried.join(' ')})` : question;
}
