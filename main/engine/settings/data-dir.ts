import os from 'node:os';
import path from 'node:path';

/** The OS's usual per-user data folder, as the server and CLI use when no --data-dir is given. */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.BSC_DATA_DIR) return path.resolve(env.BSC_DATA_DIR);
  const home = os.homedir();
  if (platform === 'win32') return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'Agente BSC');
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'Agente BSC');
  return path.join(env.XDG_DATA_HOME ?? path.join(home, '.local', 'share'), 'agente-bsc');
}

export interface DataPaths {
  root: string;
  database: string;
  embeddingCache: string;
  settings: string;
  logs: string;
  documents: string;
  backups: string;
  /** Files uploaded by the browser mode, waiting for their import job. */
  incoming: string;
}

export function dataPaths(root: string): DataPaths {
  return {
    root,
    database: path.join(root, 'library.sqlite'),
    embeddingCache: path.join(root, 'embedding-cache.sqlite'),
    settings: path.join(root, 'settings.json'),
    logs: path.join(root, 'logs'),
    documents: path.join(root, 'documents'),
    backups: path.join(root, 'backups'),
    incoming: path.join(root, 'incoming'),
  };
}
