import { useTranslation } from 'react-i18next';
import type { AnswerView } from './thread-items';

/**
 * The labels above an answer, said honestly: "not covered by your library"; extractive because
 * no model is configured, or because the configured model did not answer (and why); cached; partial.
 */
export function AnswerLabels({ view, showPerspectives, formatDate }: { view: AnswerView; showPerspectives: boolean; formatDate: (iso: string) => string }) {
  const { t } = useTranslation('chat');
  const failure = view.answer?.modelFailure ?? null;
  const perspectives = view.kind === 'not-covered' ? [] : view.router?.perspectives ?? [];
  return (
    <div className="answer-labels">
      {view.kind === 'not-covered' && <span className="answer-label label-not-covered" data-testid="not-covered-label">{t('answer.notCoveredLabel')}</span>}
      {view.kind === 'extractive' && (failure
        ? <span className="answer-label label-extractive label-model-failed" data-testid="extractive-label" data-reason="model-failed">{t('answer.modelFailed', { reason: failure.reason })}</span>
        : <span className="answer-label label-extractive" data-testid="extractive-label" data-reason="no-model">{t('answer.extractive')}</span>)}
      {view.cached && <span className="answer-label label-cached" data-testid="cached-label">{t('answer.cached', { date: formatDate(view.cached.at) })}</span>}
      {view.status === 'partial' && <span className="answer-label label-partial" data-testid="partial-label">{t('answer.partial')}</span>}
      {view.judge?.refined && <span className="answer-label label-refined">{t('answer.refined')}</span>}
      {showPerspectives && perspectives.map((p) => <span key={p} className={`perspective-badge p-${p}`}>{t(`perspective.${p}`)}</span>)}
    </div>
  );
}

/** A question the library does not support: said first and plainly; what follows is only the nearest material. */
export function NotCoveredNotice({ count }: { count: number }) {
  const { t } = useTranslation('chat');
  return (
    <div className="not-covered" role="note" data-testid="not-covered">
      <strong className="not-covered-title" data-testid="not-covered-title">{t('answer.notCovered')}</strong>
      <p>{count > 0 ? t('answer.notCoveredBody', { count }) : t('answer.notCoveredNothing')}</p>
    </div>
  );
}
