import fs from 'node:fs';
import path from 'node:path';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  child(bindings: LogFields): Logger;
}

export interface RotatingLogOptions {
  dir: string;
  maxFileBytes: number;
  retentionDays: number;
  /** Also echo to stderr (server and CLI in a terminal). */
  echo?: boolean;
  now?: () => Date;
}

const SECRET_KEY = /(api[-_]?key|secret|password|passwd|token|authorization|cookie)/i;
// Shapes of provider keys, caught even when they hide inside a message string.
const SECRET_VALUE = /\b(sk-(?:ant-|proj-)?[A-Za-z0-9_-]{8,}|Bearer\s+[A-Za-z0-9._~+/-]{8,})/g;

/** Removes anything that looks like a secret, by field name or by value shape. */
export function redactSecrets(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return value.replace(SECRET_VALUE, '[redacted]');
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return { name: value.name, message: redactSecrets(value.message, depth + 1) };
  if (Array.isArray(value)) return value.map((v) => redactSecrets(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = SECRET_KEY.test(k) && v !== undefined && v !== null && v !== '' ? '[redacted]' : redactSecrets(v, depth + 1);
  }
  return out;
}

const ROTATED = /^bsc-(\d{8}T\d{6}(?:\d{3})?Z?)(?:-\d+)?\.log$/;

/**
 * JSON-lines log in `dir/bsc.log`, rotated to `bsc-<time>.log` past maxFileBytes, rotated files
 * older than retentionDays deleted. Synchronous appends: a crash never loses the line before it.
 */
export function createRotatingLog(opts: RotatingLogOptions): Logger {
  const now = opts.now ?? (() => new Date());
  fs.mkdirSync(opts.dir, { recursive: true });
  const file = path.join(opts.dir, 'bsc.log');
  let size = fs.existsSync(file) ? fs.statSync(file).size : 0;
  pruneOldLogs(opts.dir, opts.retentionDays, now());

  function rotate(): void {
    const stamp = now().toISOString().replace(/[-:.]/g, '');
    let target = path.join(opts.dir, `bsc-${stamp}.log`);
    for (let i = 1; fs.existsSync(target); i++) target = path.join(opts.dir, `bsc-${stamp}-${i}.log`);
    fs.renameSync(file, target);
    size = 0;
    pruneOldLogs(opts.dir, opts.retentionDays, now());
  }

  function write(level: LogLevel, msg: string, fields: LogFields): void {
    const record = redactSecrets({ time: now().toISOString(), level, msg, ...fields }) as LogFields;
    const line = `${JSON.stringify(record)}\n`;
    try {
      if (size > 0 && size + line.length > opts.maxFileBytes) rotate();
      fs.appendFileSync(file, line);
      size += Buffer.byteLength(line);
    } catch {
      // Logging must never take the app down (disk full, folder removed); the echo still shows it.
    }
    if (opts.echo && level !== 'debug') process.stderr.write(`[${level}] ${msg}${Object.keys(fields).length ? ` ${JSON.stringify(redactSecrets(fields))}` : ''}\n`);
  }

  const make = (bindings: LogFields): Logger => ({
    debug: (m, f = {}) => write('debug', m, { ...bindings, ...f }),
    info: (m, f = {}) => write('info', m, { ...bindings, ...f }),
    warn: (m, f = {}) => write('warn', m, { ...bindings, ...f }),
    error: (m, f = {}) => write('error', m, { ...bindings, ...f }),
    child: (b) => make({ ...bindings, ...b }),
  });
  return make({});
}

export function pruneOldLogs(dir: string, retentionDays: number, now: Date): void {
  const cutoff = now.getTime() - retentionDays * 86_400_000;
  for (const name of fs.readdirSync(dir)) {
    if (!ROTATED.test(name)) continue;
    const full = path.join(dir, name);
    try {
      if (fs.statSync(full).mtimeMs < cutoff) fs.rmSync(full);
    } catch {
      // Another process may have pruned it first.
    }
  }
}

/** A logger for tests and tools that want nothing written. */
export const silentLog: Logger = {
  debug() {}, info() {}, warn() {}, error() {},
  child() { return silentLog; },
};
