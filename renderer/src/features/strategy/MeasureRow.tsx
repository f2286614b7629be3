import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Measure } from '../../../../preload/strategy-contract';
import { formatTargets, numberOrNull, readTargets } from './scorecard-edit';

/** One editable measure: text fields commit on blur, so typing is not an undo step per key. */
export function MeasureRow({ measure, onChange, onRemove }: { measure: Measure; onChange: (patch: Partial<Measure>) => void; onRemove: () => void }) {
  const { t } = useTranslation('strategy');
  const [targets, setTargets] = useState(formatTargets(measure.targets));
  const [bad, setBad] = useState<string | null>(null);
  const text = (key: 'name' | 'formula' | 'unit', label: string) => (
    <td><input aria-label={label} placeholder={label} defaultValue={measure[key]} key={`${measure.id}-${key}-${measure[key]}`} onBlur={(e) => e.target.value !== measure[key] && (key !== 'name' || e.target.value.trim()) && onChange({ [key]: e.target.value })} /></td>
  );
  return (
    <tr data-testid="measure-row">
      {text('name', t('measure'))}
      {text('formula', t('formula'))}
      {text('unit', t('unit'))}
      <td>
        <select aria-label={t('direction')} value={measure.direction} onChange={(e) => onChange({ direction: e.target.value as Measure['direction'] })}>
          {(['increase', 'decrease', 'maintain'] as const).map((d) => <option key={d} value={d}>{t(d)}</option>)}
        </select>
      </td>
      <td><input aria-label={t('baseline')} placeholder={t('baseline')} inputMode="decimal" defaultValue={measure.baseline.value ?? ''} onBlur={(e) => onChange({ baseline: { ...measure.baseline, value: numberOrNull(e.target.value) } })} /></td>
      <td><input aria-label={t('baselineYear')} placeholder={t('baselineYear')} inputMode="numeric" defaultValue={measure.baseline.year ?? ''} onBlur={(e) => { const y = numberOrNull(e.target.value); onChange({ baseline: { ...measure.baseline, year: y !== null && y >= 1900 && y <= 2200 ? Math.round(y) : null } }); }} /></td>
      <td>
        <input aria-label={t('targets')} value={targets} placeholder={t('targets')} aria-invalid={bad !== null} onChange={(e) => { setTargets(e.target.value); setBad(null); }}
          onBlur={() => {
            const { targets: parsed, rejected } = readTargets(targets);
            // A piece that is not "year: value" stays in the field with a message, never silently dropped.
            if (rejected.length) { setBad(rejected.join('; ')); return; }
            setTargets(formatTargets(parsed)); onChange({ targets: parsed });
          }} />
        {bad !== null && <span className="field-error" role="alert">{t('badTargets', { text: bad })}</span>}
      </td>
      <td><button type="button" className="secondary danger-outline" onClick={onRemove}>{t('remove')}</button></td>
    </tr>
  );
}
