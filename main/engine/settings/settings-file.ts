import fs from 'node:fs';
import { writeFileAtomicSync } from '../atomic-write';
import { Settings, type SettingsPatch, defaultSettings } from '../../../preload/contract';

export interface SettingsLoad {
  settings: Settings;
  /** Why the file on disk was not used as it is (unreadable, invalid); null when it was fine. */
  problem: string | null;
}

/**
 * Reads settings.json through the contract's schema. A damaged file is kept aside (never
 * overwritten silently) and the defaults are used, with the reason reported.
 */
export function loadSettingsFile(file: string): SettingsLoad {
  if (!fs.existsSync(file)) return { settings: defaultSettings, problem: null };
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    return keepAside(file, `settings.json is not valid JSON (${(err as Error).message})`);
  }
  // Fields added by a newer version of the app take their defaults; wrong values are refused.
  const parsed = Settings.safeParse(typeof raw === 'object' && raw !== null ? mergeSettings(defaultSettings, raw as SettingsPatch, false) : raw);
  if (!parsed.success) return keepAside(file, `settings.json does not match the settings schema: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return { settings: parsed.data, problem: null };
}

function keepAside(file: string, problem: string): SettingsLoad {
  try {
    fs.copyFileSync(file, `${file}.invalid-${Date.now()}`);
  } catch {
    // Best effort: the problem is still reported.
  }
  return { settings: defaultSettings, problem };
}

export function mergeSettings(current: Settings, patch: SettingsPatch, validate = true): Settings {
  const merged: Record<string, unknown> = { ...current };
  for (const [section, fields] of Object.entries(patch)) {
    const before = (current as Record<string, Record<string, unknown>>)[section] ?? {};
    const next: Record<string, unknown> = { ...before };
    for (const [key, value] of Object.entries(fields as Record<string, unknown>)) {
      // One level deeper for nested groups (chat.models): a patch names only what it changes.
      const old = before[key];
      next[key] = value && typeof value === 'object' && !Array.isArray(value) && old && typeof old === 'object' ? { ...old, ...value } : value;
    }
    merged[section] = next;
  }
  return validate ? Settings.parse(merged) : (merged as Settings);
}

/** Atomic, so a crash mid-write leaves the old file whole. */
export function saveSettingsFile(file: string, settings: Settings): void {
  writeFileAtomicSync(file, `${JSON.stringify(settings, null, 2)}\n`, { mode: 0o600 });
}
