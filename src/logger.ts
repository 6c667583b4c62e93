import { pino, type DestinationStream, type Logger as PinoLogger, type LevelWithSilent } from 'pino';

/** Structured fields attached to a log line (never secrets: see `redactPaths`). */
export type LogFields = Record<string, unknown>;

/** The logging port every module uses; `child` scopes a logger with fixed fields. */
export interface Logger {
  debug(fields: LogFields, message: string): void;
  info(fields: LogFields, message: string): void;
  warn(fields: LogFields, message: string): void;
  error(fields: LogFields, message: string): void;
  child(fields: LogFields): Logger;
}

/** Paths pino blanks out wherever they appear in a log line. */
export const redactPaths = [
  '*.token',
  '*.secret',
  '*.signingSecret',
  '*.botToken',
  '*.appToken',
  '*.authorization',
  '*.headers.authorization',
  'config.*.token',
  'config.*.signingSecret',
];

function wrap(base: PinoLogger): Logger {
  return {
    debug: (fields, message) => base.debug(fields, message),
    info: (fields, message) => base.info(fields, message),
    warn: (fields, message) => base.warn(fields, message),
    error: (fields, message) => base.error(fields, message),
    child: (fields) => wrap(base.child(fields)),
  };
}

/**
 * A pino-backed logger writing JSON lines to `destination` (stderr by default, so stdout stays free
 * for the terminal adapter and `--json` output).
 */
export function createLogger(level: LevelWithSilent, destination: DestinationStream = process.stderr): Logger {
  return wrap(pino({ level, redact: { paths: redactPaths, censor: '[redacted]' } }, destination));
}

/**
 * A pino-backed logger appending JSON lines to a file (created with its directory), for the terminal
 * adapter, where log lines on the screen would tear through the prompt.
 */
export function createFileLogger(level: LevelWithSilent, path: string): Logger {
  return createLogger(level, pino.destination({ dest: path, mkdir: true, sync: true }));
}

/** A logger that drops everything; for tests that do not look at logs. */
export const silentLogger: Logger = createLogger('silent');

/** One recorded log line of a {@link MemoryLogger}. */
export interface LogRecord {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  fields: LogFields;
}

/** A logger that keeps its lines in memory, so tests can assert what was logged. */
export class MemoryLogger implements Logger {
  constructor(
    readonly records: LogRecord[] = [],
    private readonly bound: LogFields = {},
  ) {}
  private push(level: LogRecord['level'], fields: LogFields, message: string): void {
    this.records.push({ level, message, fields: { ...this.bound, ...fields } });
  }
  debug(fields: LogFields, message: string): void { this.push('debug', fields, message); }
  info(fields: LogFields, message: string): void { this.push('info', fields, message); }
  warn(fields: LogFields, message: string): void { this.push('warn', fields, message); }
  error(fields: LogFields, message: string): void { this.push('error', fields, message); }
  child(fields: LogFields): Logger { return new MemoryLogger(this.records, { ...this.bound, ...fields }); }
}
