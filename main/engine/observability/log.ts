import fs from 'node:fs';
import path from 'node:path';
import pino from 'pino';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown>;

/** One line of the log, as written and as forwarded from the engine and its workers to the host. */
export interface LogRecord extends LogFields {
  time: string;
  level: LogLevel;
  msg: string;
}

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  child(bindings: LogFields): Logger;
  /** Writes a record made in another process (the engine, a worker) as it came, after scrubbing. */
  record?(record: LogRecord): void;
}

export interface RotatingLogOptions {
  dir: string;
  maxFileBytes: number;
  retentionDays: number;
  /** The file's base name: `<name>.log`, rotated to `<name>-<time>.log` (default 'bsc'). */
  name?: string;
  /** Also echo to stderr (server and CLI in a terminal). */
  echo?: boolean;
  now?: () => Date;
  /** Literal secret values to scrub from every line (the keys this process holds). */
  secrets?: () => Iterable<string>;
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

/** Replaces every literal occurrence of a held secret (what no shape rule can know). */
export function scrubValues(line: string, secrets: Iterable<string>): string {
  let out = line;
  for (const s of secrets) if (s && s.length >= 6 && out.includes(s)) out = out.split(s).join('[redacted]');
  return out;
}

function rotatedPattern(name: string): RegExp {
  return new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-(\\d{8}T\\d{6}(?:\\d{3})?Z?)(?:-\\d+)?\\.log$`);
}

/**
 * The file half of the log: appends each line synchronously (a crash never loses the line before
 * it), renames the file to `<name>-<time>.log` past maxFileBytes, deletes rotated files older than
 * retentionDays. Only the host process writes it (one writer per data folder).
 */
function rotatingFile(opts: RotatingLogOptions): { write(line: string): void } {
  const now = opts.now ?? (() => new Date());
  const name = opts.name ?? 'bsc';
  fs.mkdirSync(opts.dir, { recursive: true, mode: 0o700 });
  const file = path.join(opts.dir, `${name}.log`);
  let size = fs.existsSync(file) ? fs.statSync(file).size : 0;
  pruneOldLogs(opts.dir, opts.retentionDays, now(), name);
  const rotate = () => {
    const stamp = now().toISOString().replace(/[-:.]/g, '');
    let target = path.join(opts.dir, `${name}-${stamp}.log`);
    for (let i = 1; fs.existsSync(target); i++) target = path.join(opts.dir, `${name}-${stamp}-${i}.log`);
    fs.renameSync(file, target);
    size = 0;
    pruneOldLogs(opts.dir, opts.retentionDays, now(), name);
  };
  return {
    write(line) {
      try {
        const bytes = Buffer.byteLength(line);
        if (size > 0 && size + bytes > opts.maxFileBytes) rotate();
        fs.appendFileSync(file, line, { mode: 0o600 });
        size += bytes;
      } catch {
        // Logging must never take the app down (disk full, folder removed); the echo still shows it.
      }
    },
  };
}

/** Our Logger over a pino instance: structured JSON lines, ISO time, level names, secrets scrubbed before pino sees them. */
function loggerOver(base: pino.Logger, extra: { record?: (r: LogRecord) => void }): Logger {
  const make = (p: pino.Logger): Logger => ({
    debug: (m, f = {}) => p.debug(redactSecrets(f) as object, redactSecrets(m) as string),
    info: (m, f = {}) => p.info(redactSecrets(f) as object, redactSecrets(m) as string),
    warn: (m, f = {}) => p.warn(redactSecrets(f) as object, redactSecrets(m) as string),
    error: (m, f = {}) => p.error(redactSecrets(f) as object, redactSecrets(m) as string),
    child: (b) => make(p.child(redactSecrets(b) as object)),
    ...extra,
  });
  return make(base);
}

function pinoOver(write: (line: string) => void, now: () => Date): pino.Logger {
  return pino(
    {
      level: 'debug',
      base: undefined,
      messageKey: 'msg',
      timestamp: () => `,"time":"${now().toISOString()}"`,
      formatters: { level: (label) => ({ level: label }) },
    },
    { write },
  );
}

/**
 * The host's log: pino JSON lines in `dir/<name>.log`, rotated past maxFileBytes, kept
 * retentionDays. Records forwarded by the engine process arrive through `record`.
 */
export function createRotatingLog(opts: RotatingLogOptions): Logger {
  const now = opts.now ?? (() => new Date());
  const file = rotatingFile(opts);
  const scrub = (line: string) => {
    const clean = line.replace(SECRET_VALUE, '[redacted]');
    return opts.secrets ? scrubValues(clean, opts.secrets()) : clean;
  };
  const write = (line: string) => {
    const clean = scrub(line);
    file.write(clean);
    if (opts.echo) echo(clean);
  };
  return loggerOver(pinoOver(write, now), {
    record: (r) => write(`${JSON.stringify(redactSecrets(r))}\n`),
  });
}

/**
 * The engine's (and a worker's) log: every record goes to the host as data, never to a file, so one
 * process writes the data folder's log. Held keys are scrubbed here, before they leave.
 */
export function createForwardingLog(send: (record: LogRecord) => void, opts: { secrets?: () => Iterable<string>; now?: () => Date } = {}): Logger {
  const now = opts.now ?? (() => new Date());
  return loggerOver(pinoOver((line) => {
    const clean = opts.secrets ? scrubValues(line, opts.secrets()) : line;
    try { send(JSON.parse(clean) as LogRecord); } catch { /* the host is gone: nothing to log to */ }
  }, now), {
    // A worker's record passes through on its way to the host.
    record: (r) => {
      const line = JSON.stringify(redactSecrets(r));
      try { send(JSON.parse(opts.secrets ? scrubValues(line, opts.secrets()) : line) as LogRecord); } catch { /* host gone */ }
    },
  });
}

function echo(line: string): void {
  try {
    const r = JSON.parse(line) as LogRecord;
    if (r.level === 'debug') return;
    const { time: _t, level, msg, ...fields } = r;
    process.stderr.write(`[${level}] ${msg}${Object.keys(fields).length ? ` ${JSON.stringify(fields)}` : ''}\n`);
  } catch {
    // not a JSON line: nothing sensible to echo
  }
}

export function pruneOldLogs(dir: string, retentionDays: number, now: Date, name = 'bsc'): void {
  const cutoff = now.getTime() - retentionDays * 86_400_000;
  const rotated = rotatedPattern(name);
  for (const entry of fs.readdirSync(dir)) {
    if (!rotated.test(entry)) continue;
    const full = path.join(dir, entry);
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
