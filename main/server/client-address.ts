// Who is asking: the socket's address, or, only when the socket is a trusted reverse proxy,
// the address and scheme the proxy reports in X-Forwarded-For / X-Forwarded-Proto.
import net from 'node:net';
import type http from 'node:http';

export interface ClientInfo {
  ip: string;
  https: boolean;
  /** The host the client used (X-Forwarded-Host from a trusted proxy, else Host). */
  host: string;
}

export function trustedProxyList(entries: string[]): net.BlockList {
  const list = new net.BlockList();
  for (const entry of entries) {
    const [addr = '', bits] = entry.split('/');
    const type = net.isIP(addr) === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(addr, type);
    else list.addSubnet(addr, Number(bits), type);
  }
  return list;
}

function normalise(ip: string): string {
  // Node reports IPv4 clients of a dual-stack socket as ::ffff:a.b.c.d.
  return ip.startsWith('::ffff:') && net.isIPv4(ip.slice(7)) ? ip.slice(7) : ip;
}

function isTrusted(list: net.BlockList, ip: string): boolean {
  const family = net.isIP(ip);
  if (!family) return false;
  return list.check(ip, family === 6 ? 'ipv6' : 'ipv4');
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

export function clientInfo(req: http.IncomingMessage, proxies: net.BlockList): ClientInfo {
  const socketIp = normalise(req.socket.remoteAddress ?? '');
  const direct: ClientInfo = {
    ip: socketIp,
    https: (req.socket as { encrypted?: boolean }).encrypted === true,
    host: req.headers.host ?? '',
  };
  if (!isTrusted(proxies, socketIp)) return direct;
  // Walk X-Forwarded-For from the right: the first address not itself a trusted proxy is the client.
  const chain = (firstHeader(req.headers['x-forwarded-for']) ?? '').split(',').map((s) => normalise(s.trim())).filter(Boolean);
  let ip = socketIp;
  for (let i = chain.length - 1; i >= 0; i--) {
    const hop = chain[i]!;
    if (!net.isIP(hop)) break;
    ip = hop;
    if (!isTrusted(proxies, hop)) break;
  }
  const proto = firstHeader(req.headers['x-forwarded-proto'])?.split(',')[0]?.trim().toLowerCase();
  const host = firstHeader(req.headers['x-forwarded-host'])?.split(',')[0]?.trim();
  return { ip, https: proto ? proto === 'https' : direct.https, host: host || direct.host };
}
