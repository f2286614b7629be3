import { QUESTION_MAX_CHARS } from '../../../../preload/contract';

/** The longest question the engine accepts: the contract's own limit, so the two never disagree. */
export const QUESTION_MAX = QUESTION_MAX_CHARS;

/** The counter appears from this share of the limit on, so a normal question is not cluttered with it. */
const NEAR_SHARE = 0.8;

export type QuestionLength = { length: number; max: number; state: 'ok' | 'near' | 'over' };

/** Trimmed, as the engine counts it. */
export function questionLength(text: string, max = QUESTION_MAX): QuestionLength {
  const length = text.trim().length;
  return { length, max, state: length > max ? 'over' : length >= max * NEAR_SHARE ? 'near' : 'ok' };
}
