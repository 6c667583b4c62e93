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
  '*.clientSecret',
  '*.stateSecret',
  '*.credentials',
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

/** Where the bot's log lines go and how they look (from `LOG_LEVEL`, `LOG_FORMAT`, `LOG_FILE` and the mode). */
export interface LogOutput {
  level: LevelWithSilent;
  /** `json`: one JSON object a line; `pretty`: readable lines (pino-pretty), coloured on a terminal. */
  format: 'json' | 'pretty';
  /** A file to append to (created with its directory); standard output when absent. */
  file?: string;
}

/**
 * The bot's logger. Lines are written synchronously, so the last ones before a crash are not lost; a file
 * is opened for appending, so `logrotate` with `copytruncate` can rotate it under the running bot.
 * pino-pretty is loaded only when asked for.
 */
export async function openLogger(output: LogOutput): Promise<Logger> {
  const destination = pino.destination({ dest: output.file ?? 1, mkdir: output.file !== undefined, sync: true });
  if (output.format === 'json') return createLogger(output.level, destination);
  const { default: pretty } = await import('pino-pretty');
  const colorize = output.file === undefined && Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
  return createLogger(output.level, pretty({ destination, colorize, sync: true }));
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
