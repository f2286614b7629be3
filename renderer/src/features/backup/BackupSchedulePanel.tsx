/** Settings → Backups: schedule, time, weekday, folder, retention. */
import { useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Settings } from '../../../../preload/contract';
import { useSettings } from '../../lib/use-settings';

type Draft = Settings['backup'];

export function BackupSchedulePanel() {
  const { t } = useTranslation('backup');
  const { settings, error, update } = useSettings();
  const [draft, setDraft] = useState<Draft | null>(null);
  const [saved, setSaved] = useState(false);
  const ids = { frequency: useId(), time: useId(), weekday: useId(), folder: useId(), keep: useId() };

  useEffect(() => { if (settings && !draft) setDraft(settings.backup); }, [settings, draft]);
  if (!settings || !draft) return null;

  const change = (patch: Partial<Draft>) => { setDraft({ ...draft, ...patch }); setSaved(false); };
  const keepValid = Number.isInteger(draft.keep) && draft.keep >= 1 && draft.keep <= 1000;
  const dirty = JSON.stringify(draft) !== JSON.stringify(settings.backup);
  const save = async () => {
    const r = await update({ backup: { ...draft, folder: draft.folder?.trim() ? draft.folder.trim() : null } });
    if (r.ok) { setDraft(r.value.backup); setSaved(true); }
  };
  const days = t('schedule.days', { returnObjects: true }) as string[];

  return (
    <section className="settings-panel" aria-labelledby="backup-schedule-title" data-testid="backup-schedule-panel">
      <h2 id="backup-schedule-title">{t('schedule.title')}</h2>
      <p className="panel-intro muted">{t('schedule.intro')}</p>
      <fieldset className="provider-section">
        <div className="field-grid">
          <div className="field">
            <label htmlFor={ids.frequency}>{t('schedule.frequency')}</label>
            <select id={ids.frequency} value={draft.schedule} onChange={(e) => change({ schedule: e.target.value as Draft['schedule'] })} data-testid="backup-schedule">
              <option value="off">{t('schedule.off')}</option>
              <option value="daily">{t('schedule.daily')}</option>
              <option value="weekly">{t('schedule.weekly')}</option>
            </select>
          </div>
          <div className="field">
            <label htmlFor={ids.time}>{t('schedule.time')}</label>
            <input id={ids.time} type="time" value={draft.time} disabled={draft.schedule === 'off'} onChange={(e) => change({ time: e.target.value })} data-testid="backup-time" />
          </div>
          {draft.schedule === 'weekly' && (
            <div className="field">
              <label htmlFor={ids.weekday}>{t('schedule.weekday')}</label>
              <select id={ids.weekday} value={draft.weekday} onChange={(e) => change({ weekday: Number(e.target.value) })} data-testid="backup-weekday">
                {days.map((d, i) => <option key={d} value={i}>{d}</option>)}
              </select>
            </div>
          )}
          <div className={`field${keepValid ? '' : ' field-invalid'}`}>
            <label htmlFor={ids.keep}>{t('schedule.keep')}</label>
            <input id={ids.keep} className="narrow" type="number" min={1} max={1000} value={Number.isNaN(draft.keep) ? '' : draft.keep} onChange={(e) => change({ keep: e.target.valueAsNumber })} data-testid="backup-keep" />
            <span className="field-hint">{t('schedule.keepHint')}</span>
          </div>
          <div className="field">
            <label htmlFor={ids.folder}>{t('schedule.folder')}</label>
            <input id={ids.folder} type="text" value={draft.folder ?? ''} placeholder="…/backups" onChange={(e) => change({ folder: e.target.value })} data-testid="backup-folder" />
            <span className="field-hint">{t('schedule.folderHint')}</span>
          </div>
        </div>
        <div className="section-actions">
          <div className="section-buttons">
            <button type="button" disabled={!dirty || !keepValid} onClick={() => void save()} data-testid="backup-schedule-save">{t('schedule.save')}</button>
            {saved && !dirty && <span className="saved-note ok-text">{t('schedule.saved')}</span>}
          </div>
          {error && <p role="alert" className="field-problem">{error}</p>}
        </div>
      </fieldset>
    </section>
  );
}
