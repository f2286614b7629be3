// Where the app's bundled resources are: the sample library, the bundled Qdrant binary and the
// local embedding model. One module so every shell (Electron, server, CLI, tests) and both
// layouts (a repo checkout, an installed app) agree. The layout under the folder is the same in
// both: sample-library/, qdrant/<platform>-<arch>/qdrant[.exe], models/<model>/.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Environment override (tests, the packaging check, a shell that knows better). */
export const RESOURCES_ENV = 'BSC_RESOURCES_DIR';

export interface ResourcesLookup {
  env?: NodeJS.ProcessEnv;
  /** Electron's process.resourcesPath, when running inside Electron. */
  resourcesPath?: string;
  /** The file asking (import.meta.url of a bundle or source file). */
  fromFile?: string;
}

/** True when `file` is loaded from inside an app.asar archive, i.e. the installed app. */
export function isInsideAsar(file: string): boolean {
  return file.split(/[\\/]/).some((part) => part === 'app.asar');
}

/**
 * The resources folder: $BSC_RESOURCES_DIR if set; Electron's resourcesPath when this code runs
 * from the packaged app (its own file is inside app.asar); otherwise the repo's resources/,
 * two levels above both main/engine/*.ts and dist/main/*.js.
 */
export function resourcesDir(lookup: ResourcesLookup = {}): string {
  const env = lookup.env ?? process.env;
  const override = env[RESOURCES_ENV];
  if (override) return path.resolve(override);
  const fromFile = lookup.fromFile ?? fileURLToPath(import.meta.url);
  const resourcesPath = lookup.resourcesPath ?? (process as { resourcesPath?: string }).resourcesPath;
  if (resourcesPath && isInsideAsar(fromFile)) return resourcesPath;
  return path.resolve(path.dirname(fromFile), '../../resources');
}

export function sampleLibraryDir(lookup?: ResourcesLookup): string {
  return path.join(resourcesDir(lookup), 'sample-library');
}

export function modelsDir(lookup?: ResourcesLookup): string {
  return path.join(resourcesDir(lookup), 'models');
}

/** resources/qdrant/<platform>-<arch>/qdrant[.exe]: the same path in the repo (npm run fetch-qdrant) and the installed app. */
export function bundledQdrantBinary(lookup?: ResourcesLookup, platform: NodeJS.Platform = process.platform, arch: string = process.arch): string {
  return path.join(resourcesDir(lookup), 'qdrant', `${platform}-${arch}`, platform === 'win32' ? 'qdrant.exe' : 'qdrant');
}

/**
 * A file inside app.asar that a native loader (SQLite's loadExtension, dlopen) must read from
 * the real file system: electron-builder unpacks it beside the archive, in app.asar.unpacked.
 */
export function unpackedPath(file: string): string {
  return file.replace(/([\\/])app\.asar([\\/])/, '$1app.asar.unpacked$2');
}

/** The sqlite-vec loadable extension for this machine, outside the asar when packaged. */
export function sqliteVecExtensionPath(): string {
  const require = createRequire(import.meta.url);
  const { getLoadablePath } = require('sqlite-vec') as { getLoadablePath(): string };
  const file = unpackedPath(getLoadablePath());
  if (!fs.existsSync(file)) throw new Error(`sqlite-vec extension not found at ${file}`);
  return file;
}
