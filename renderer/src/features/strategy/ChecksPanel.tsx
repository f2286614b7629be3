import { useTranslation } from 'react-i18next';
import type { MapCheck } from '../../../../preload/strategy-contract';

/** The consultant's review of the map; a warning about an objective selects it. */
export function ChecksPanel({ checks, onPick }: { checks: MapCheck[]; onPick: (objectiveId: string) => void }) {
  const { t } = useTranslation('strategy');
  return (
    <section className="strategy-panel" aria-labelledby="checks-title" data-testid="map-checks">
      <h3 id="checks-title">{t('checks')} {checks.length > 0 && <span className="badge badge-fail">{checks.length}</span>}</h3>
      {checks.length === 0 ? <p className="muted">{t('noChecks')}</p> : (
        <ul className="check-list">
          {checks.map((c, i) => (
            <li key={`${c.rule}-${c.objectiveId ?? c.perspective ?? ''}-${c.measureId ?? ''}-${i}`} data-rule={c.rule}>
              {c.objectiveId ? <button type="button" className="link-button" onClick={() => onPick(c.objectiveId!)}>{c.message}</button> : c.message}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
