import { useCallback, useEffect, useState } from 'react';
import type { Settings, SettingsPatch } from '../../../preload/contract';
import { api } from './api';

/** The app's settings, kept in sync with the engine (other windows may change them too). */
export function useSettings() {
  const [settings, setSettings] = useState<Settings | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    void api.call('settings.get').then((r) => {
      if (!live) return;
      if (r.ok) setSettings(r.value);
      else setError(r.error.message);
    });
    const off = api.on('onSettingsChanged', (s) => setSettings(s));
    return () => { live = false; off(); };
  }, []);
  const update = useCallback(async (patch: SettingsPatch) => {
    const r = await api.call('settings.set', patch);
    if (r.ok) { setSettings(r.value); setError(null); } else setError(r.error.message);
    return r;
  }, []);
  return { settings, error, update };
}
