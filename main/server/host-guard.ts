// DNS rebinding defence: a page on evil.example can make its own name resolve to 127.0.0.1, but
// the browser still sends `Host: evil.example`. So we answer only to the names the server was
// bound to (loopback names with our port, the bound address, BSC_ALLOWED_HOSTS), and believe an
// Origin only when it names one of those hosts (or is on BSC_ALLOWED_ORIGINS for CORS).
import net from 'node:net';

export interface HostGuardOptions {
  /** The address given to listen() (127.0.0.1, ::1, 0.0.0.0, 10.0.0.5, localhost…). */
  boundHost: string;
  /** The port actually listened on (known only after listen() when 0 was asked for). */
  port: () => number;
  /** BSC_ALLOWED_HOSTS: `name` (any port) or `name:port`. */
  allowedHosts?: string[];
}

export interface HostGuard {
  /** Whether a Host (or X-Forwarded-Host) header names this server. */
  isAllowedHost(header: string | undefined, https?: boolean): boolean;
  /** Whether an Origin header names this server (a same-host page) or is on the CORS list. */
  isAllowedOrigin(origin: string, corsOrigins: ReadonlySet<string>): boolean;
}

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]']);
const WILDCARDS = new Set(['0.0.0.0', '::', '[::]']);
const HOST_SYNTAX = /^(?:[a-z0-9](?:[a-z0-9.-]*[a-z0-9.])?|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i;

/** `name[:port]` → lower-case name (IPv6 in brackets) and port (the scheme's default when absent). */
export function parseHostHeader(header: string, https = false): { name: string; port: number; explicitPort: boolean } | null {
  const text = header.trim().toLowerCase();
  if (!HOST_SYNTAX.test(text)) return null;
  const colon = text.lastIndexOf(':');
  const hasPort = colon > text.lastIndexOf(']');
  // A trailing dot names the same host (`localhost.`); drop it so it cannot slip past the list.
  const name = (hasPort ? text.slice(0, colon) : text).replace(/\.$/, '');
  const port = hasPort ? Number(text.slice(colon + 1)) : https ? 443 : 80;
  if (!name || port > 65535) return null;
  return { name, port, explicitPort: hasPort };
}

function bracketed(host: string): string {
  return net.isIPv6(host) ? `[${host.toLowerCase()}]` : host.toLowerCase();
}

function isIpLiteral(name: string): boolean {
  return net.isIPv4(name) || (name.startsWith('[') && net.isIPv6(name.slice(1, -1)));
}

export function createHostGuard(opts: HostGuardOptions): HostGuard {
  const bound = bracketed(opts.boundHost);
  const extra = (opts.allowedHosts ?? []).map((entry) => parseHostHeader(entry)).filter((h): h is NonNullable<typeof h> => h !== null);

  const allowed = (name: string, port: number): boolean => {
    const own = opts.port();
    if (port === own && (LOOPBACK_NAMES.has(name) || name === bound)) return true;
    // Bound to every interface: an IP literal cannot be a rebinding (that needs a DNS name the
    // attacker controls), so any address is fine, on any port (a container's port mapping).
    if (WILDCARDS.has(bound) && isIpLiteral(name)) return true;
    return extra.some((e) => e.name === name && (!e.explicitPort || e.port === port));
  };

  return {
    isAllowedHost(header, https = false) {
      if (!header) return false;
      const h = parseHostHeader(header, https);
      return h !== null && allowed(h.name, h.port);
    },
    isAllowedOrigin(origin, corsOrigins) {
      if (corsOrigins.has(origin)) return true;
      let u: URL;
      try { u = new URL(origin); } catch { return false; }
      if (u.protocol !== 'http:' && u.protocol !== 'https:') return false;
      const h = parseHostHeader(u.host, u.protocol === 'https:');
      return h !== null && allowed(h.name, h.port);
    },
  };
}
