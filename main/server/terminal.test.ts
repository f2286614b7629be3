import { describe, expect, it } from 'vitest';
import type { LogFields, LogLevel, Logger } from '../engine/observability/log';
import { withTerminal } from './terminal';

function memoryLog(into: string[]): Logger {
  const at = (level: LogLevel) => (msg: string, fields: LogFields = {}) => { into.push(`${level} ${msg} ${JSON.stringify(fields)}`); };
  const log: Logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), child: () => log, record: (r) => into.push(`record ${r.msg}`) };
  return log;
}

describe('the terminal of npm run serve', () => {
  it('prints engine restarts, warnings and errors, one line each, and keeps every record in the log', () => {
    const file: string[] = [];
    const terminal: string[] = [];
    const log = withTerminal(memoryLog(file), (l) => terminal.push(l)).child({ proc: 'server' });
    log.info('http', { method: 'GET', path: '/health', status: 200 });
    log.warn('login failed', { client: '203.0.113.9', failures: 3 });
    log.info('engine ready', { pid: 10, restarts: 0 });
    log.error('engine crashed', { code: null, signal: 'SIGKILL', pid: 10 });
    log.info('engine ready', { pid: 11, restarts: 1 });
    log.warn('BSC_IMPORT_ROOTS names a folder that does not exist', { root: '/srv/x', apiKey: 'sk-secret-value-123' });
    log.record?.({ time: '2026-01-01T00:00:00Z', level: 'error', msg: 'import failed', job: 'j1' });
    expect(file).toHaveLength(7);
    expect(terminal).toEqual([
      '[error] engine crashed {"code":null,"signal":"SIGKILL","pid":10}\n',
      '[info] engine ready {"pid":11,"restarts":1}\n',
      '[warn] BSC_IMPORT_ROOTS names a folder that does not exist {"root":"/srv/x","apiKey":"[redacted]"}\n',
      '[error] import failed {"job":"j1"}\n',
    ]);
  });
});
