import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// The layering rules live in eslint.config.js; this proves they catch what they claim to.
const root = path.resolve(import.meta.dirname, '..');
const eslint = new ESLint({ cwd: root });

async function layeringErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return (result?.messages ?? []).filter((m) => m.ruleId === '@typescript-eslint/no-restricted-imports').map((m) => m.message);
}

describe('layering lint', () => {
  it('keeps electron and the shells out of the engine', async () => {
    expect(await layeringErrors('main/engine/x.ts', "import { app } from 'electron';\nexport const a = app;\n")).toHaveLength(1);
    expect(await layeringErrors('main/engine/db/x.ts', "import { createBscServer } from '../../server/http';\nexport const a = createBscServer;\n")).toHaveLength(1);
    expect(await layeringErrors('main/engine/db/x.ts', "import { migrate } from './migrate';\nexport const a = migrate;\n")).toHaveLength(0);
  });

  it('keeps Node, electron and main/ out of the renderer', async () => {
    expect(await layeringErrors('renderer/src/x.ts', "import fs from 'node:fs';\nexport const a = fs;\n")).toHaveLength(1);
    expect(await layeringErrors('renderer/src/x.ts', "import path from 'path';\nexport const a = path;\n")).toHaveLength(1);
    expect(await layeringErrors('renderer/src/x.ts', "import { Engine } from '../../main/engine/engine';\nexport const a = Engine;\n")).toHaveLength(1);
    expect(await layeringErrors('renderer/src/x.ts', "import { methods } from '../../preload/contract';\nexport const a = methods;\n")).toHaveLength(0);
  });

  it('keeps the contract free of electron and Node', async () => {
    expect(await layeringErrors('preload/contract.ts', "import { ipcRenderer } from 'electron';\nexport const a = ipcRenderer;\n")).toHaveLength(1);
    expect(await layeringErrors('preload/contract.ts', "import os from 'node:os';\nexport const a = os;\n")).toHaveLength(1);
  });

  it('keeps electron out of the server and CLI', async () => {
    expect(await layeringErrors('main/server/x.ts', "import { app } from 'electron';\nexport const a = app;\n")).toHaveLength(1);
    expect(await layeringErrors('main/cli/x.ts', "import { x } from '../electron/ipc';\nexport const a = x;\n")).toHaveLength(1);
  });
});
