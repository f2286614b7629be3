import { describe, expect, it } from 'vitest';
import { methods } from '../../../../preload/contract';
import { QUESTION_MAX, questionLength } from './question-limit';

describe('the question length limit', () => {
  it('is the contract\'s own limit on chat.ask', () => {
    expect(QUESTION_MAX).toBeGreaterThan(100);
    expect(methods['chat.ask'].input.safeParse({ question: 'x'.repeat(QUESTION_MAX) }).success).toBe(true);
    expect(methods['chat.ask'].input.safeParse({ question: 'x'.repeat(QUESTION_MAX + 1) }).success).toBe(false);
  });

  it('is quiet for a normal question, counts near the limit, and says when a question is over it', () => {
    expect(questionLength('Quais indicadores usar?', 100).state).toBe('ok');
    expect(questionLength('x'.repeat(85), 100)).toEqual({ length: 85, max: 100, state: 'near' });
    expect(questionLength('x'.repeat(101), 100).state).toBe('over');
    expect(questionLength(`  ${'x'.repeat(100)}  `, 100).state).toBe('near'); // trimmed, as the engine counts it
  });
});
