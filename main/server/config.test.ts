import { describe, expect, it } from 'vitest';
import { ConfigError, isLoopback, readServerConfig } from './config';

describe('server configuration from the environment', () => {
  it('has safe defaults', () => {
    const c = readServerConfig({ PATH: '/bin', HOME: '/root' });
    expect(c).toMatchObject({ host: '127.0.0.1', port: 5171, auth: 'auto', sessionIdleMinutes: 60, chatPerMinute: 60, chatPerHour: 1000, maxBodyBytes: 1048576, allowedOrigins: [], trustedProxies: [], allowedHosts: [], importRoots: [], backupDir: null });
  });

  it('reads every documented variable, flags winning over the environment', () => {
    const c = readServerConfig({
      BSC_HOST: '0.0.0.0', BSC_PORT: '8080', BSC_ADMIN_PASSWORD: 'long enough', BSC_SESSION_IDLE_MINUTES: '15',
      BSC_CHAT_RATE_PER_MINUTE: '5', BSC_CHAT_RATE_PER_HOUR: '50', BSC_ALLOWED_ORIGINS: 'https://a.example.com, http://localhost:3000',
      BSC_TRUSTED_PROXIES: '10.0.0.0/8,::1', BSC_MAX_UPLOAD_MB: '10', BSC_ALLOWED_HOSTS: 'BSC.example.com, bsc.example.com:8443',
      BSC_IMPORT_ROOTS: '/srv/documents,/home/shared/pdfs/', BSC_BACKUP_DIR: '/var/backups/bsc', BSC_MAX_CONNECTIONS: '64',
    }, { port: '9090' });
    expect(c.maxConnections).toBe(64);
    expect(c).toMatchObject({ allowedHosts: ['bsc.example.com', 'bsc.example.com:8443'], importRoots: ['/srv/documents', '/home/shared/pdfs'], backupDir: '/var/backups/bsc' });
    expect(c).toMatchObject({ host: '0.0.0.0', port: 9090, adminPassword: 'long enough', sessionIdleMinutes: 15, chatPerMinute: 5, chatPerHour: 50, maxUploadBytes: 10 * 1048576 });
    expect(c.allowedOrigins).toEqual(['https://a.example.com', 'http://localhost:3000']);
    expect(c.trustedProxies).toEqual(['10.0.0.0/8', '::1']);
  });

  it.each([
    [{ BSC_ADMIN_PASWORD: 'x' }, /unknown setting BSC_ADMIN_PASWORD \(did you mean BSC_ADMIN_PASSWORD\?\)/],
    [{ BSC_FOO: '1' }, /unknown setting BSC_FOO$/],
    [{ BSC_PORT: 'eighty' }, /BSC_PORT must be a whole number/],
    [{ BSC_PORT: '70000' }, /BSC_PORT must be a whole number from 0 to 65535 \(got 70000\)/],
    [{ BSC_AUTH: 'yes' }, /BSC_AUTH must be auto, on or off/],
    [{ BSC_ALLOWED_ORIGINS: 'https://a.example.com/app' }, /not an origin/],
    [{ BSC_TRUSTED_PROXIES: '10.0.0.0/99' }, /not an IP address or CIDR/],
    [{ BSC_TRUSTED_PROXIES: 'proxy.local' }, /not an IP address or CIDR/],
    [{ BSC_ADMIN_PASSWORD: 'short' }, /at least 8 characters/],
    [{ BSC_HOST: 'example.com' }, /BSC_HOST must be an IP address/],
    [{ BSC_AUTH: 'off', BSC_HOST: '0.0.0.0' }, /only allowed on a loopback/],
    [{ BSC_ALLOWED_HOSTS: 'https://bsc.example.com' }, /BSC_ALLOWED_HOSTS: "https:\/\/bsc.example.com" is not a host name/],
    [{ BSC_ALLOWED_HOSTS: 'evil.example/x' }, /not a host name/],
    [{ BSC_IMPORT_ROOTS: 'documents' }, /BSC_IMPORT_ROOTS: "documents" is not an absolute path/],
    [{ BSC_BACKUP_DIR: '../backups' }, /BSC_BACKUP_DIR: "..\/backups" is not an absolute path/],
  ])('refuses %j', (env, message) => {
    expect(() => readServerConfig(env)).toThrow(ConfigError);
    expect(() => readServerConfig(env)).toThrow(message);
  });

  it('reports every problem at once', () => {
    expect(() => readServerConfig({ BSC_PORT: 'x', BSC_NOPE: '1' })).toThrow(/BSC_PORT[\s\S]*\n[\s\S]*BSC_NOPE|BSC_NOPE[\s\S]*\n[\s\S]*BSC_PORT/);
  });

  it('knows loopback addresses', () => {
    expect(['127.0.0.1', '127.1.2.3', '::1', 'localhost'].every(isLoopback)).toBe(true);
    expect(['0.0.0.0', '::', '192.168.1.2', '10.0.0.1'].some(isLoopback)).toBe(false);
  });
});
