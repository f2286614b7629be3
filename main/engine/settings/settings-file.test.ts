import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SettingsPatch, defaultSettings } from '../../../preload/contract';
import { loadSettingsFile, mergeSettings, saveSettingsFile } from './settings-file';

const dirs: string[] = [];
const tempFile = () => { const d = fs.mkdtempSync(path.join(os.tmpdir(), 'bsc-set-')); dirs.push(d); return path.join(d, 'settings.json'); };
afterEach(() => { for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true }); });

describe('settings file', () => {
  it('a patch changes only the fields it names', () => {
    const patch = SettingsPatch.parse({ ui: { theme: 'dark' } });
    expect(patch).toEqual({ ui: { theme: 'dark' } });
    const once = mergeSettings(defaultSettings, SettingsPatch.parse({ ui: { language: 'pt-BR' } }));
    const twice = mergeSettings(once, patch);
    expect(twice.ui).toEqual({ language: 'pt-BR', theme: 'dark' });
  });

  it('a patch of one nested field keeps its siblings (chat.models)', () => {
    const withJudge = mergeSettings(defaultSettings, SettingsPatch.parse({ chat: { models: { judge: 'claude-x' } } }));
    const both = mergeSettings(withJudge, SettingsPatch.parse({ chat: { models: { router: 'claude-y' } } }));
    expect(both.chat.models).toMatchObject({ judge: 'claude-x', router: 'claude-y', specialist: null });
  });

  it('round-trips through disk and fills fields a newer version added', () => {
    const file = tempFile();
    saveSettingsFile(file, mergeSettings(defaultSettings, { import: { chunkChars: 900 } }));
    const raw = JSON.parse(fs.readFileSync(file, 'utf8'));
    delete raw.logs;
    fs.writeFileSync(file, JSON.stringify(raw));
    const loaded = loadSettingsFile(file);
    expect(loaded.problem).toBeNull();
    expect(loaded.settings.import.chunkChars).toBe(900);
    expect(loaded.settings.logs).toEqual(defaultSettings.logs);
  });

  it('keeps a damaged file aside and says why', () => {
    const file = tempFile();
    fs.writeFileSync(file, '{"ui": {"theme": "neon"}}');
    const loaded = loadSettingsFile(file);
    expect(loaded.problem).toMatch(/ui\.theme/);
    expect(loaded.settings).toEqual(defaultSettings);
    expect(fs.readdirSync(path.dirname(file)).some((f) => f.startsWith('settings.json.invalid-'))).toBe(true);
    fs.writeFileSync(file, '{oops');
    expect(loadSettingsFile(file).problem).toMatch(/not valid JSON/);
  });
});
