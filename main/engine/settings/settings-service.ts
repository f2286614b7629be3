import type { Settings, SettingsPatch } from '../../../preload/contract';
import type { EventBus } from '../observability/event-bus';
import type { Logger } from '../observability/log';
import { mergeSettings, saveSettingsFile } from './settings-file';

/** The user's settings: read by every service, changed only here (saved, then announced). */
export interface SettingsService {
  current(): Settings;
  update(patch: SettingsPatch): Settings;
  /** Called after each change with the sections the patch named (providers rebuild on their own section). */
  onChange(listener: (next: Settings, patch: SettingsPatch) => void): () => void;
}

export function createSettingsService(deps: { file: string; initial: Settings; log: Logger; events: EventBus }): SettingsService {
  let settings = deps.initial;
  const listeners = new Set<(next: Settings, patch: SettingsPatch) => void>();
  return {
    current: () => settings,
    update(patch) {
      const next = mergeSettings(settings, patch);
      saveSettingsFile(deps.file, next);
      settings = next;
      for (const l of listeners) l(next, patch);
      deps.log.info('settings changed', { sections: Object.keys(patch) });
      deps.events.send({ name: 'onSettingsChanged', payload: next });
      return next;
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
