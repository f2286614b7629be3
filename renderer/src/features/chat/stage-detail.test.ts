import { describe, expect, it } from 'vitest';
import { describeStageDetail } from './stage-detail';

describe('describeStageDetail', () => {
  it('translates the engine\'s known words and drops what the step already shows', () => {
    expect(describeStageDetail({ stage: 'cache', detail: 'hit' })).toEqual({ key: 'stage.cacheHit' });
    expect(describeStageDetail({ stage: 'cache', detail: 'miss' })).toEqual({ key: 'stage.cacheMiss' });
    expect(describeStageDetail({ stage: 'retrieve', detail: '12 passages' })).toEqual({ key: 'stage.passages', params: { count: 12 } });
    expect(describeStageDetail({ stage: 'judge', detail: 'fail' })).toEqual({ key: 'judge.fail' });
    expect(describeStageDetail({ stage: 'route', detail: 'financial, customer' })).toBeNull();
    expect(describeStageDetail({ stage: 'condense', detail: 'unchanged' })).toBeNull();
    expect(describeStageDetail({ stage: 'specialist', detail: 'failed' })).toEqual({ key: 'stage.failed' });
  });

  it('shows a rewritten question, and passes unknown details through as text', () => {
    expect(describeStageDetail({ stage: 'condense', detail: 'Quais indicadores financeiros usar no BSC?' })).toEqual({ key: 'stage.condensed', params: { question: 'Quais indicadores financeiros usar no BSC?' } });
    expect(describeStageDetail({ stage: 'specialist', detail: '3 trechos' })).toEqual({ text: '3 trechos' });
    expect(describeStageDetail({ stage: 'synthesize', detail: null })).toBeNull();
  });
});
