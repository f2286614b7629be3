import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundledQdrantBinary, isInsideAsar, resourcesDir, sampleLibraryDir, sqliteVecExtensionPath, unpackedPath } from './resources';

const repo = path.resolve(import.meta.dirname, '../..');

describe('resources are found in one place by every shell', () => {
  it('uses the repo resources/ in development, from the source file and from the built bundle alike', () => {
    expect(resourcesDir({ env: {}, fromFile: path.join(repo, 'main/engine/resources.ts') })).toBe(path.join(repo, 'resources'));
    expect(resourcesDir({ env: {}, fromFile: path.join(repo, 'dist/main/engine-process.js') })).toBe(path.join(repo, 'resources'));
    expect(fs.existsSync(path.join(sampleLibraryDir({ env: {} }), 'README.md'))).toBe(true);
  });

  it("uses Electron's resourcesPath when running from inside app.asar, and not from an unpacked dev Electron", () => {
    const packaged = '/opt/Agente BSC/resources/app.asar/dist/main/engine-process.js';
    expect(isInsideAsar(packaged)).toBe(true);
    expect(resourcesDir({ env: {}, fromFile: packaged, resourcesPath: '/opt/Agente BSC/resources' })).toBe('/opt/Agente BSC/resources');
    expect(resourcesDir({ env: {}, fromFile: path.join(repo, 'dist/main/electron.js'), resourcesPath: '/repo/node_modules/electron/dist/resources' })).toBe(path.join(repo, 'resources'));
  });

  it('honours BSC_RESOURCES_DIR over everything (tests, the packaging check)', () => {
    expect(resourcesDir({ env: { BSC_RESOURCES_DIR: '/tmp/res' }, resourcesPath: '/x', fromFile: '/x/app.asar/a.js' })).toBe(path.resolve('/tmp/res'));
  });

  it('lays out the bundled Qdrant as qdrant/<platform>-<arch>/qdrant in both layouts', () => {
    expect(bundledQdrantBinary({ env: { BSC_RESOURCES_DIR: '/r' } }, 'linux', 'x64')).toBe(path.join('/r', 'qdrant', 'linux-x64', 'qdrant'));
    expect(bundledQdrantBinary({ env: { BSC_RESOURCES_DIR: '/r' } }, 'win32', 'x64')).toBe(path.join('/r', 'qdrant', 'win32-x64', 'qdrant.exe'));
  });

  it('maps a file inside app.asar to app.asar.unpacked for native loaders, and leaves other paths alone', () => {
    expect(unpackedPath('/opt/a/resources/app.asar/node_modules/sqlite-vec-linux-x64/vec0.so')).toBe('/opt/a/resources/app.asar.unpacked/node_modules/sqlite-vec-linux-x64/vec0.so');
    expect(unpackedPath('C:\\A\\resources\\app.asar\\node_modules\\x.dll')).toBe('C:\\A\\resources\\app.asar.unpacked\\node_modules\\x.dll');
    expect(unpackedPath('/repo/node_modules/sqlite-vec-linux-x64/vec0.so')).toBe('/repo/node_modules/sqlite-vec-linux-x64/vec0.so');
    expect(fs.existsSync(sqliteVecExtensionPath())).toBe(true);
  });
});
