import { renderToStaticMarkup } from 'react-dom/server';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Answer } from '../../../../preload/contract';
import type * as I18n from '../../i18n';
import type * as Labels from './AnswerLabels';
import type * as ComposerModule from './Composer';
import type { AnswerView } from './thread-items';

// The app's own strings: i18next reads the browser's languages when it starts.
let i18next: typeof I18n.i18next;
let AnswerLabels: typeof Labels.AnswerLabels;
let NotCoveredNotice: typeof Labels.NotCoveredNotice;
let Composer: typeof ComposerModule.Composer;
beforeAll(async () => {
  Object.defineProperty(globalThis, 'navigator', { value: { language: 'en-US', languages: ['en-US'] }, configurable: true });
  ({ i18next } = await import('../../i18n'));
  ({ AnswerLabels, NotCoveredNotice } = await import('./AnswerLabels'));
  ({ Composer } = await import('./Composer'));
  await i18next.changeLanguage('en');
});

const view = (over: Partial<AnswerView>, answer: Partial<Answer> | null = null): AnswerView => ({
  key: 'a', answerId: 'a', status: 'complete', refining: false, text: '', sources: [], sections: [],
  router: { method: 'lexical', perspectives: ['financial'], reason: '', needsClarification: false }, judge: null, kind: 'extractive', cached: null, error: null, steps: [],
  answer: answer as Answer | null, ...over,
});
const labels = (v: AnswerView) => renderToStaticMarkup(<AnswerLabels view={v} showPerspectives formatDate={(d) => d} />);

describe('answer labels say what happened', () => {
  it('says "no language model configured" only when no model failed', () => {
    expect(labels(view({}, { modelFailure: null }))).toContain('no language model configured');
    const failed = labels(view({}, { modelFailure: { reason: 'the provider timed out after 30 s' } }));
    expect(failed).toContain('The model did not answer (the provider timed out after 30 s) — extractive answer instead');
    expect(failed).not.toContain('no language model configured');
  });

  it('labels a not-covered answer as such, without perspective badges or an extractive label', () => {
    const html = labels(view({ kind: 'not-covered' }));
    expect(html).toContain('Not covered by your library');
    expect(html).not.toMatch(/perspective-badge|Extractive answer/);
    expect(renderToStaticMarkup(<NotCoveredNotice count={2} />)).toContain('Your library does not cover this');
    expect(renderToStaticMarkup(<NotCoveredNotice count={2} />)).toContain('The 2 closest passages are shown below as nearest material, not as an answer.');
  });
});

describe('the composer near and over the length limit', () => {
  const render = (value: string) => renderToStaticMarkup(<Composer value={value} onChange={() => {}} onSend={() => {}} onStop={() => {}} running={false} sending={false} followUp={false} />);

  it('shows no counter for a normal question, a counter near the limit, and refuses an over-long one without cutting it', () => {
    expect(render('Quais indicadores usar?')).not.toContain('question-counter');
    expect(render('x'.repeat(3500))).toMatch(/data-testid="question-counter" data-state="near">[^<]*3,500 \/ 4,000 characters/);
    const over = render('x'.repeat(4100));
    expect(over).toContain('Your question is 4,100 characters; the limit is 4,000. Shorten it by 100 characters');
    expect(over).toMatch(/<button type="submit" disabled=""/);
    expect(over).not.toContain('maxLength');
    expect(over).toContain('x'.repeat(4100));
  });
});
