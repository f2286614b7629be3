// What cannot run here is at least checked: the release workflow against GitHub's workflow schema
// (@action-validator/core) and for the jobs the release needs; electron-builder.yml against
// electron-builder's own JSON schema and for the security settings it must carry.
import fs from 'node:fs';
import path from 'node:path';
import { validateWorkflow } from '@action-validator/core';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { repoRoot } from './package-app';

const workflowFile = path.join(repoRoot, '.github/workflows/release.yml');
const builderFile = path.join(repoRoot, 'electron-builder.yml');

interface Step { name?: string; run?: string; uses?: string; if?: string }

describe('release workflow', () => {
  const src = fs.readFileSync(workflowFile, 'utf8');
  const wf = YAML.parse(src) as { on: Record<string, unknown>; jobs: Record<string, { strategy: { matrix: { include: Array<{ os: string; targets: string }> } }; steps: Step[]; env: Record<string, string> }> };
  const job = Object.values(wf.jobs)[0]!;
  const runs = job.steps.map((s) => s.run ?? '').join('\n');

  it("is a valid GitHub Actions workflow (GitHub's schema, via action-validator)", () => {
    const state = validateWorkflow(src);
    expect(state.errors, JSON.stringify(state.errors, null, 1)).toEqual([]);
    // And the validator does catch a broken file, so the empty list above means something.
    expect(validateWorkflow(src.replace('runs-on:', 'runs_on:')).errors.length).toBeGreaterThan(0);
  });

  it('builds on Linux, Windows and macOS: AppImage and deb, NSIS, dmg', () => {
    const targets = job.strategy.matrix.include.map((m) => [m.os.split('-')[0], m.targets]);
    expect(targets).toEqual([['ubuntu', '--linux AppImage deb'], ['windows', '--win nsis'], ['macos', '--mac dmg']]);
    expect(runs).toContain('npm run package -- ${{ matrix.targets }}');
  });

  it('installs, tests, then packages, and runs the Electron suite under Xvfb on Linux', () => {
    const order = ['npm ci', 'npm test', 'npm run package', 'xvfb-run'].map((cmd) => runs.indexOf(cmd));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    const e2e = job.steps.find((s) => s.run?.includes('xvfb-run'))!;
    expect(e2e.if).toBe("runner.os == 'Linux'");
    expect(e2e.run).toContain('test/e2e-electron/vitest.config.ts');
  });

  it("uses the Node version Electron's tooling declares (>= 22.12)", () => {
    const [major, minor] = job.env.NODE_VERSION!.split('.').map(Number);
    expect(major! > 22 || (major === 22 && minor! >= 12)).toBe(true);
  });
});

describe('electron-builder.yml', () => {
  const config = YAML.parse(fs.readFileSync(builderFile, 'utf8')) as Record<string, unknown> & {
    electronFuses: Record<string, boolean>; extraResources: Array<{ from: string; to: string }>; asarUnpack: string[]; directories: { app: string }; publish: Array<{ provider: string }>;
  };

  it("is valid against electron-builder's own configuration schema", () => {
    const schema = JSON.parse(fs.readFileSync(path.join(repoRoot, 'node_modules/app-builder-lib/scheme.json'), 'utf8')) as object;
    const ajv = new Ajv({ allErrors: true, strict: false, allowUnionTypes: true });
    const validate = ajv.compile(schema);
    expect(validate(config), JSON.stringify(validate.errors, null, 1)).toBe(true);
    expect(validate({ ...config, electronFuses: { runAsNod: false } })).toBe(false);
  });

  it('sets the fuses of the security checklist', () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      onlyLoadAppFromAsar: true,
      enableCookieEncryption: true,
    });
  });

  it('packages the staged app, unpacks native code, and lays resources out as main/engine/resources.ts expects', () => {
    expect(config.directories.app).toBe('out/app');
    for (const m of ['better-sqlite3', 'sqlite-vec*', 'onnxruntime-node']) expect(config.asarUnpack).toContain(`**/node_modules/${m}/**`);
    expect(config.extraResources).toEqual(expect.arrayContaining([
      expect.objectContaining({ from: 'resources/sample-library', to: 'sample-library' }),
      expect.objectContaining({ from: 'resources/models', to: 'models' }),
      expect.objectContaining({ from: 'resources/qdrant/${platform}-${arch}', to: 'qdrant/${platform}-${arch}' }),
    ]));
    expect(config.publish[0]?.provider).toBe('github');
  });
});
