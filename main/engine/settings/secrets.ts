import type { SecretName } from '../../../preload/contract';

/** Where provider keys come from. Adapters: environment (+ file) for server/CLI, memory fed by Electron's safeStorage. */
export interface SecretStore {
  readonly storage: 'safeStorage' | 'file' | 'env';
  get(name: SecretName): string | undefined;
}

/** The environment variable that may hold each secret (it wins over a stored value). */
export const secretEnvVars: Record<SecretName, string> = {
  openaiApiKey: 'OPENAI_API_KEY',
  anthropicApiKey: 'ANTHROPIC_API_KEY',
  cohereApiKey: 'COHERE_API_KEY',
  compatibleApiKey: 'BSC_COMPATIBLE_API_KEY',
  qdrantApiKey: 'QDRANT_API_KEY',
};

export function envSecretStore(env: NodeJS.ProcessEnv = process.env): SecretStore {
  return {
    storage: 'env',
    get: (name) => env[secretEnvVars[name]] || undefined,
  };
}
