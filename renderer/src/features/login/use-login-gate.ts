import { useCallback, useEffect, useState } from 'react';
import { api, onUnauthorized } from '../../lib/api';
import { fetchSession, logOut } from './session';

export type GateState = 'checking' | 'open' | 'login';

/**
 * Whether to show the app or the login page. Only the browser mode has logins; the desktop app
 * (IPC) is always open. A 401 from any call re-checks the session, so an expired one lands here.
 */
export function useLoginGate() {
  const [state, setState] = useState<GateState>(api.kind === 'ipc' ? 'open' : 'checking');
  const [required, setRequired] = useState(false);
  const check = useCallback(async () => {
    if (api.kind === 'ipc') return;
    const s = await fetchSession();
    setRequired(s.required);
    setState(s.authenticated ? 'open' : 'login');
  }, []);
  useEffect(() => {
    void check();
    return onUnauthorized(() => void check());
  }, [check]);
  // A fresh page after logging in or out: every view reloads its data with the new session.
  const loggedIn = useCallback(() => window.location.reload(), []);
  const logout = useCallback(async () => { await logOut(); window.location.reload(); }, []);
  return { state, required, loggedIn, logout };
}
