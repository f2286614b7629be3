// The terminal of `npm run serve` / `npm start` shows one line per event that matters (start,
// URL, engine crash and restart, warnings, errors); every record, HTTP requests included, still
// goes to the log file.
import { type LogFields, type LogLevel, type LogRecord, type Logger, redactSecrets } from '../engine/observability/log';

/** Messages that are frequent or expected under attack: log file only. */
const FILE_ONLY = new Set(['http', 'login failed', 'login']);

export function mattersOnTerminal(level: LogLevel, msg: string, fields: LogFields): boolean {
  if (FILE_ONLY.has(msg) || level === 'debug') return false;
  if (level === 'error' || level === 'warn') return true;
  return msg === 'engine ready' && Number(fields.restarts ?? 0) > 0;
}

export function terminalLine(level: LogLevel, msg: string, fields: LogFields): string {
  const { proc: _p, time: _t, ...rest } = redactSecrets(fields) as LogFields;
  return `[${level}] ${msg}${Object.keys(rest).length ? ` ${JSON.stringify(rest)}` : ''}\n`;
}

/** `log` as it is, plus the lines that matter printed with `print`. */
export function withTerminal(log: Logger, print: (line: string) => void): Logger {
  const tee = (level: LogLevel) => (msg: string, fields: LogFields = {}) => {
    log[level](msg, fields);
    if (mattersOnTerminal(level, msg, fields)) print(terminalLine(level, msg, fields));
  };
  return {
    debug: tee('debug'),
    info: tee('info'),
    warn: tee('warn'),
    error: tee('error'),
    child: (bindings) => withTerminal(log.child(bindings), print),
    record: (r: LogRecord) => {
      log.record?.(r);
      const { level, msg, ...fields } = r;
      if (mattersOnTerminal(level, msg, fields)) print(terminalLine(level, msg, fields));
    },
  };
}
