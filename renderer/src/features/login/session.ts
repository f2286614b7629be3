// The server's login endpoints (/auth/*). Not contract methods: they exist only in server mode,
// where the session cookie (HttpOnly, so never visible here) is set and cleared.

export type LoginResult = { ok: true } | { ok: false; reason: 'wrong' | 'rate' | 'network' | 'other'; retryAfterSeconds?: number; message?: string };

/** mode 'token': no password, the launch token printed by the server stands in for it. */
export async function fetchSession(): Promise<{ required: boolean; authenticated: boolean; mode?: 'token' }> {
  try {
    const res = await fetch('/auth/session', { credentials: 'same-origin' });
    const body = (await res.json()) as { ok: boolean; value?: { required: boolean; authenticated: boolean; mode?: 'token' } };
    return body.value ?? { required: false, authenticated: true };
  } catch {
    // No server-mode auth here (or unreachable): let the app show its own connection errors.
    return { required: false, authenticated: true };
  }
}

export async function logIn(password: string): Promise<LoginResult> {
  let res: Response;
  try {
    res = await fetch('/auth/login', { method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ password }) });
  } catch (err) {
    return { ok: false, reason: 'network', message: (err as Error).message };
  }
  if (res.ok) return { ok: true };
  if (res.status === 401) return { ok: false, reason: 'wrong' };
  if (res.status === 429) return { ok: false, reason: 'rate', retryAfterSeconds: Number(res.headers.get('Retry-After') ?? 60) };
  const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
  return { ok: false, reason: 'other', message: body?.error?.message ?? `HTTP ${res.status}` };
}

export async function logOut(): Promise<void> {
  await fetch('/auth/logout', { method: 'POST', credentials: 'same-origin' }).catch(() => undefined);
}
