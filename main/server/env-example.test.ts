import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ENV_SPECS, readServerConfig } from './config';

const file = path.resolve(import.meta.dirname, '../../.env.example');

describe('.env.example', () => {
  const text = fs.readFileSync(file, 'utf8');

  it('documents every BSC_* variable the server accepts, and no other', () => {
    const documented = new Set(text.match(/\bBSC_[A-Z0-9_]+/g));
    documented.delete('BSC_ENGINE_RESTARTS');
    const accepted = new Set(Object.keys(ENV_SPECS).filter((k) => k !== 'BSC_ENGINE_RESTARTS'));
    expect([...documented].sort()).toEqual([...accepted].sort());
  });

  it('is accepted as it is, and with its examples uncommented', () => {
    const assignments = (lines: string[]) => Object.fromEntries(lines.map((l) => l.split('=')).filter(([k, v]) => k?.startsWith('BSC_') && v).map(([k, ...v]) => [k!, v.join('=')]));
    const active = text.split('\n').filter((l) => /^[A-Z]/.test(l));
    expect(() => readServerConfig(assignments(active))).not.toThrow();
    const examples = text.split('\n').map((l) => l.match(/^# (BSC_[A-Z_]+=\S+)$/)?.[1]).filter((l): l is string => !!l && !l.includes('~'));
    expect(examples.length).toBeGreaterThan(8);
    expect(() => readServerConfig(assignments(examples))).not.toThrow();
  });
});
