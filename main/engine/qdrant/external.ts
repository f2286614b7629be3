import { BscError } from '../errors';

export interface ExternalQdrant {
  url: string;
  apiKey: string | null;
  /** Said to the user, not enforced: LAN clusters over http with a key are legitimate. */
  warning?: string;
}

/**
 * Checks a user-given Qdrant address (Qdrant Cloud, a self-hosted cluster): http or https, no
 * credentials or query in the URL. The API key is optional; over plain http to another machine it
 * travels in clear, which earns a warning.
 */
export function parseExternalQdrant(input: { url: string | null | undefined; apiKey?: string | null }): ExternalQdrant {
  const raw = input.url?.trim();
  if (!raw) throw new BscError('BAD_INPUT', 'Enter the Qdrant URL, e.g. https://xyz.cloud.qdrant.io:6333.', { field: 'qdrantUrl' });
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new BscError('BAD_INPUT', `"${raw}" is not a URL. Enter one like https://xyz.cloud.qdrant.io:6333.`, { field: 'qdrantUrl' });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new BscError('BAD_INPUT', `The Qdrant URL must start with http:// or https:// (got ${url.protocol}).`, { field: 'qdrantUrl' });
  }
  if (url.username || url.password) {
    throw new BscError('BAD_INPUT', 'Put the API key in its own field, not in the Qdrant URL.', { field: 'qdrantUrl' });
  }
  if (url.search || url.hash) throw new BscError('BAD_INPUT', 'The Qdrant URL takes no query or fragment.', { field: 'qdrantUrl' });
  const apiKey = input.apiKey?.trim() || null;
  // No trailing slash, so clients join paths the same way whatever the user typed.
  const parsed: ExternalQdrant = { url: url.toString().replace(/\/+$/, ''), apiKey };
  if (apiKey && url.protocol === 'http:' && !isLoopback(url.hostname)) {
    parsed.warning = 'The API key is sent unencrypted over http:// to another machine; prefer an https:// URL.';
  }
  return parsed;
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
