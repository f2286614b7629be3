import type http from 'node:http';
import { describe, expect, it } from 'vitest';
import { clientInfo, trustedProxyList } from './client-address';

function req(remoteAddress: string, headers: Record<string, string>): http.IncomingMessage {
  return { socket: { remoteAddress }, headers: { host: 'bsc.local:5171', ...headers } } as unknown as http.IncomingMessage;
}

describe('client address behind proxies', () => {
  const forwarded = { 'x-forwarded-for': '203.0.113.9, 10.0.0.2', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'bsc.example.com' };

  it('ignores X-Forwarded-* from an untrusted peer', () => {
    expect(clientInfo(req('198.51.100.7', forwarded), trustedProxyList([]))).toEqual({ ip: '198.51.100.7', https: false, host: 'bsc.local:5171' });
    expect(clientInfo(req('198.51.100.7', forwarded), trustedProxyList(['10.0.0.0/8']))).toMatchObject({ ip: '198.51.100.7', https: false });
  });

  it('believes a trusted proxy chain, stopping at the first untrusted hop', () => {
    const info = clientInfo(req('::ffff:10.0.0.1', forwarded), trustedProxyList(['10.0.0.0/8']));
    expect(info).toEqual({ ip: '203.0.113.9', https: true, host: 'bsc.example.com' });
    // A client cannot smuggle an address in front of the real one.
    const spoofed = clientInfo(req('10.0.0.1', { 'x-forwarded-for': '1.1.1.1, 203.0.113.9' }), trustedProxyList(['10.0.0.0/8']));
    expect(spoofed.ip).toBe('203.0.113.9');
  });

  it('handles IPv6 proxies and garbage headers', () => {
    expect(clientInfo(req('::1', { 'x-forwarded-for': '2001:db8::5' }), trustedProxyList(['::1'])).ip).toBe('2001:db8::5');
    expect(clientInfo(req('::1', { 'x-forwarded-for': 'not-an-ip' }), trustedProxyList(['::1'])).ip).toBe('::1');
  });
});
