// The engine's stage details are terse machine words ("miss", "12 passages", "pass"): said here
// in the reader's language, or left out when the step already shows them (the router's choice).
import type { StageStep } from './answer-stream';

export type StageDetail = { key: string; params?: Record<string, string | number> } | { text: string } | null;

export function describeStageDetail(step: Pick<StageStep, 'stage' | 'detail'>): StageDetail {
  const d = step.detail?.trim();
  if (!d) return null;
  if (d === 'failed') return { key: 'stage.failed' };
  switch (step.stage) {
    case 'cache':
      return d === 'hit' ? { key: 'stage.cacheHit' } : d === 'miss' ? { key: 'stage.cacheMiss' } : null;
    case 'condense':
      return d === 'unchanged' ? null : { key: 'stage.condensed', params: { question: d } };
    case 'route':
      return null; // the router's decision is shown in full on the same step
    case 'retrieve': {
      const m = /^(\d+)\s+passages?$/.exec(d);
      return m ? { key: 'stage.passages', params: { count: Number(m[1]) } } : { text: d };
    }
    case 'judge':
      return d === 'pass' || d === 'fail' ? { key: `judge.${d}` } : { text: d };
    default:
      return { text: d };
  }
}
