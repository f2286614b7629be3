import { describe, expect, it } from 'vitest';
import { createHostGuard, parseHostHeader } from './host-guard';

describe('host guard (DNS rebinding)', () => {
  const loopback = createHostGuard({ boundHost: '127.0.0.1', port: () => 5171, allowedHosts: ['bsc.example.com', 'tunnel.local:8443'] });

  it('parses Host headers, IPv6 and default ports included, and refuses what is not a host', () => {
    expect(parseHostHeader('LocalHost.:5171')).toEqual({ name: 'localhost', port: 5171, explicitPort: true });
    expect(parseHostHeader('[::1]:5171')).toEqual({ name: '[::1]', port: 5171, explicitPort: true });
    expect(parseHostHeader('bsc.example.com', true)).toEqual({ name: 'bsc.example.com', port: 443, explicitPort: false });
    for (const bad of ['user@127.0.0.1', '127.0.0.1/x', 'a b', '', 'x:99999', '[::1']) expect(parseHostHeader(bad), bad).toBeNull();
  });

  it('answers to loopback names with its port and to BSC_ALLOWED_HOSTS only', () => {
    for (const ok of ['127.0.0.1:5171', 'localhost:5171', '[::1]:5171', 'bsc.example.com', 'bsc.example.com:444', 'tunnel.local:8443']) expect(loopback.isAllowedHost(ok), ok).toBe(true);
    for (const no of ['127.0.0.1:5172', 'localhost', 'evil.example:5171', 'bsc.example.com.evil.example', 'tunnel.local:8444', '10.0.0.5:5171', undefined]) expect(loopback.isAllowedHost(no), String(no)).toBe(false);
  });

  it('bound to every interface, takes any IP literal (no rebinding without a name) but still no foreign name', () => {
    const wildcard = createHostGuard({ boundHost: '0.0.0.0', port: () => 5171 });
    for (const ok of ['10.0.0.5:5171', '192.168.1.20:8080', '[fe80::1]:5171', 'localhost:5171']) expect(wildcard.isAllowedHost(ok), ok).toBe(true);
    for (const no of ['intranet.local:5171', 'evil.example']) expect(wildcard.isAllowedHost(no), no).toBe(false);
  });

  it('believes an Origin naming one of its hosts or on the CORS list, nothing else', () => {
    const cors = new Set(['https://partner.example.org']);
    for (const ok of ['http://127.0.0.1:5171', 'https://bsc.example.com', 'https://partner.example.org']) expect(loopback.isAllowedOrigin(ok, cors), ok).toBe(true);
    for (const no of ['null', 'http://evil.example', 'http://127.0.0.1:5172', 'file://', 'chrome-extension://abc']) expect(loopback.isAllowedOrigin(no, cors), no).toBe(false);
  });
});
