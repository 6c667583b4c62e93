import { hostname } from 'node:os';
import { z } from 'zod';
import { isCronExpression } from './scheduler/source-refresh.ts';
import { isValidTimeZone } from './scheduler/local-time.ts';
import { parseDatabaseUrl } from './store/database-url.ts';

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const commaList = z
  .string()
  .transform((value) => value.split(',').map((item) => item.trim()).filter((item) => item !== ''));

const positiveInt = z.coerce.number({ error: 'must be a whole number' }).int('must be a whole number').positive('must be above 0');

const url = z.url({ error: 'must be a URL such as https://example.org' });

const cronSchedule = (example: string) =>
  z.string().refine(isCronExpression, `must be a five-field cron expression (UTC), e.g. ${example}`);

/** Every setting, as environment variables. Names and defaults are documented in `.env.example`. */
const EnvSchema = z.object({
  LOG_LEVEL: z.enum(logLevels, { error: `must be one of ${logLevels.join(', ')}` }).default('info'),
  LOG_FORMAT: z.enum(['json', 'pretty'], { error: 'must be json (one JSON object a line) or pretty (for people)' }).default('json'),
  LOG_FILE: z.string().optional(),
  HEALTH_PORT: z.coerce.number({ error: 'must be a port number' }).int('must be a port number').min(0).max(65535, 'must be a port number').optional(),
  HEALTH_HOST: z.string().default('0.0.0.0'),
  DATA_DIR: z.string().min(1, 'must be a directory path').default('./data'),
  SOURCES: commaList
    .pipe(z.array(z.enum(['hf-daily', 'arxiv-api', 'arxiv-rss'], { error: 'lists sources among hf-daily, arxiv-api, arxiv-rss' })))
    .default([]),
  HF_BASE_URL: url.default('https://huggingface.co'),
  HF_TOKEN: z.string().optional(),
  ARXIV_API_URL: url.default('https://export.arxiv.org'),
  ARXIV_RSS_URL: url.default('https://rss.arxiv.org'),
  ARXIV_CATEGORIES: commaList
    .pipe(z.array(z.string().regex(/^[a-z-]+(\.[A-Za-z-]+)?$/, 'lists arXiv categories such as cs.LG,cs.CL')).min(1, 'names at least one category'))
    .default(['cs.LG', 'cs.CL', 'cs.CV', 'cs.AI']),
  ARXIV_QUERY: z.string().optional(),
  HTTP_TIMEOUT_MS: positiveInt.default(10_000),
  ARXIV_MIN_INTERVAL_MS: z.coerce.number({ error: 'must be a number of milliseconds' }).int().min(3000, 'must be at least 3000 (arXiv allows one request every 3 s)').default(3000),
  CONTACT: z.string().default('https://github.com/paperboy-bot'),
  DATABASE_URL: z
    .string()
    .refine((value) => { try { parseDatabaseUrl(value); return true; } catch { return false; } }, 'must look like sqlite:./data/paperboy.db or postgres://user@host/db')
    .optional(),
  REPLICA_ID: z.string().regex(/^[\w.:-]{1,100}$/, 'must be a short name without spaces, unique per process, e.g. paperboy-1').optional(),
  REPLICA_LEASE_SECONDS: z.coerce.number({ error: 'must be a number of seconds' }).int('must be a whole number of seconds').min(3, 'must be at least 3').max(600, 'must be at most 600').default(30),
  DEFAULT_TIME_ZONE: z.string().refine(isValidTimeZone, 'must be an IANA time zone such as Europe/Berlin or UTC').default('UTC'),
  DAILY_GRACE_MINUTES: z.coerce.number({ error: 'must be a number of minutes' }).int('must be a whole number of minutes').min(0, 'must be 0 or more').max(1440, 'must be at most 1440 (a day)').default(360),
  HF_SCHEDULE: cronSchedule('15 * * * *').default('15 * * * *'),
  ARXIV_RSS_SCHEDULE: cronSchedule('30 5 * * 1-5').default('30 5 * * *'),
  ARXIV_API_SCHEDULE: cronSchedule('0 */6 * * *').default('0 */6 * * *'),
  CHAT_REQUEST_TIMEOUT_MS: positiveInt.default(10_000),
  SLACK_BOT_TOKEN: z.string().regex(/^xoxb-/, 'must be a bot token starting with xoxb- (OAuth & Permissions page of your Slack app)').optional(),
  SLACK_SIGNING_SECRET: z.string().regex(/^[0-9a-f]{16,}$/i, 'must be the signing secret from Basic Information (hex)').optional(),
  SLACK_APP_TOKEN: z.string().regex(/^xapp-/, 'must be an app-level token starting with xapp- (for Socket Mode)').optional(),
  SLACK_PORT: z.coerce.number({ error: 'must be a port number' }).int().min(0).max(65535, 'must be a port number').default(3000),
  SLACK_HOST: z.string().default('0.0.0.0'),
  SLACK_API_URL: url.default('https://slack.com/api/'),
  SLACK_COMMAND: z.string().regex(/^\/[a-z0-9_-]{1,31}$/, 'must be a slash command such as /papers').default('/papers'),
  SLACK_MANAGERS: commaList.default([]),
  SLACK_BOT_ID: z.string().optional(),
  SLACK_START_TIMEOUT_MS: positiveInt.default(60_000),
  SLACK_BOT_USER_ID: z.string().optional(),
  SLACK_CLIENT_ID: z.string().regex(/^\d+\.\d+$/, 'must be the Client ID from Basic Information → App Credentials (digits.digits)').optional(),
  SLACK_CLIENT_SECRET: z.string().regex(/^[0-9a-f]{16,}$/i, 'must be the Client Secret from Basic Information → App Credentials (hex)').optional(),
  SLACK_STATE_SECRET: z.string().min(16, 'must be a random string of at least 16 characters (e.g. openssl rand -hex 24)').optional(),
  DISCORD_TOKEN: z.string().regex(/^[\w-]{10,}\.[\w-]{4,}\.[\w-]{10,}$/, 'must be the bot token from the Bot page of your Discord application (three dot-separated parts)').optional(),
  DISCORD_APPLICATION_ID: z.string().regex(/^\d{17,20}$/, 'must be the Application ID from General Information (a long number)').optional(),
  DISCORD_API_BASE: url.default('https://discord.com/api'),
  DISCORD_GUILD_ID: z.string().regex(/^\d{17,20}$/, 'must be a server id (a long number; Developer Mode → right-click the server → Copy Server ID)').optional(),
  DISCORD_MANAGERS: commaList.default([]),
  DISCORD_SHARDS: z.union([z.literal('auto'), positiveInt], { error: 'must be auto or a number of shards such as 2' }).optional(),
  DISCORD_SHARD_IDS: commaList
    .pipe(z.array(z.string().regex(/^\d{1,5}$/, 'lists shard ids such as 0,1')).min(1, 'names at least one shard id'))
    .transform((ids) => ids.map(Number))
    .optional(),
  DISCORD_SHARD_COUNT: positiveInt.optional(),
  ARXIV_HTML_URL: url.default('https://arxiv.org/html'),
  LLM_BASE_URL: url.optional(),
  LLM_API_KEY: z.string().optional(),
  LLM_MODEL: z.string().regex(/^\S{1,200}$/, 'must be a model name without spaces, e.g. gpt-4o-mini or llama3.1:8b').optional(),
  LLM_TIMEOUT_MS: positiveInt.default(20_000),
  LLM_DAILY_TOKENS: positiveInt.default(50_000),
  SHELL_USER: z.string().regex(/^[\w.-]{1,40}$/, 'must be a short name without spaces, e.g. ada').default('you'),
  SHELL_CHANNEL: z.string().regex(/^[\w.-]{1,40}$/, 'must be a short name without spaces, e.g. ml-papers').default('terminal'),
});

/** The name of every setting, for checks that each is documented (README, `.env.example`). */
export const settingNames: readonly string[] = Object.keys(EnvSchema.shape);

/** Settings of the paper sources. */
export interface SourcesConfig {
  /** Sources switched on; none means the bundled corpus only. */
  enabled: ('hf-daily' | 'arxiv-api' | 'arxiv-rss')[];
  hfBaseUrl: string;
  /** Optional Hugging Face token: raises the rate limit. Never logged. */
  hfToken?: string;
  arxivApiUrl: string;
  arxivRssUrl: string;
  arxivCategories: string[];
  /** Optional arXiv API search query (e.g. `cat:cs.LG AND abs:diffusion`). */
  arxivQuery?: string;
  httpTimeoutMs: number;
  arxivMinIntervalMs: number;
  /** Sent in the User-Agent so source operators can reach the bot's owner. */
  userAgent: string;
  /** When each source is polled: five-field cron expressions in UTC. */
  schedules: { hfDaily: string; arxivRss: string; arxivApi: string };
}

/** Settings of papers' full texts. */
export interface FullTextConfig {
  /** Where arXiv's HTML renderings are: `<base>/<arXiv id>` (`https://arxiv.org/html`). */
  htmlBaseUrl: string;
}

/** Settings of the optional language model (an OpenAI-compatible chat-completions endpoint). */
export interface LanguageModelConfig {
  /** `https://api.openai.com/v1`, `http://127.0.0.1:11434/v1` (Ollama), a vLLM server. */
  baseUrl: string;
  /** Never logged. */
  apiKey: string;
  model: string;
  /** A slower answer falls back to the extractive one. */
  timeoutMs: number;
  /** Tokens each channel may spend per UTC day. */
  dailyTokensPerChannel: number;
}

/** Settings of scheduled posts. */
export interface SchedulerConfig {
  /** The time zone of a daily post set without one. */
  defaultTimeZone: string;
  /** A daily post missed while the bot was down is still made this long after its time. */
  graceMs: number;
}

/** This process as one of several replicas on one PostgreSQL database. */
export interface ReplicaConfig {
  /** Unique per process; default the host name and process id (`REPLICA_ID`). */
  id: string;
  /** A replica silent this long is dead: its unfinished posts and leases pass to the others. */
  leaseMs: number;
}

/** Settings of the Slack adapter; present only when Slack is configured. */
export interface SlackConfig {
  /** HTTP (signed requests to our port) or Socket Mode (an outbound WebSocket; no public URL needed). */
  mode: 'http' | 'socket';
  /** Bot token (xoxb-…) of the one workspace; absent when workspaces install the app themselves (`oauth`). Never logged. */
  botToken?: string;
  /** Many workspaces: each installs the app through `/slack/install` and its token is kept in the database. */
  oauth?: SlackOAuthConfig;
  /** Signing secret, HTTP mode. Never logged. */
  signingSecret?: string;
  /** App-level token (xapp-…), Socket Mode. Never logged. */
  appToken?: string;
  port: number;
  host: string;
  /** Web API base, `https://slack.com/api/` in production. */
  apiUrl: string;
  command: string;
  /** User ids that may change channel settings besides workspace admins and owners; `*` for everyone. */
  managers: string[];
  /** Known bot ids skip the `auth.test` call at start. */
  botId?: string;
  botUserId?: string;
  /** Tests: answer HTTP only after handlers finish. */
  processBeforeResponse?: boolean;
  /** Every Web API call is abandoned (aborted) after this long; the paced sender then looks the post up. */
  requestTimeoutMs: number;
  /** How long the start keeps trying a Slack that does not answer before it gives up with the reason. */
  startTimeoutMs: number;
}

/** The Slack app's OAuth credentials, for installs in any number of workspaces (HTTP mode). */
export interface SlackOAuthConfig {
  clientId: string;
  /** Never logged. */
  clientSecret: string;
  /** Signs the OAuth `state` of each install. Never logged. */
  stateSecret: string;
}

/** Settings of the Discord adapter; present only when Discord is configured. */
export interface DiscordConfig {
  /** Bot token. Never logged. */
  token: string;
  /** The application's id: slash commands are registered under it. */
  applicationId: string;
  /** REST base without the version, `https://discord.com/api` in production. */
  apiBase: string;
  /** Register commands to this server only (instant; for development); globally when absent. */
  guildId?: string;
  /** User ids that may change channel settings besides members with Manage Channels; `*` for everyone. */
  managers: string[];
  /** Every REST call is abandoned (aborted) after this long; the paced sender then looks the post up. */
  requestTimeoutMs: number;
  /** Gateway shards this process runs; one connection (no sharding) when absent. */
  shards?: DiscordShards;
}

/**
 * The gateway shards a process runs: all of them (`auto`: as many as Discord recommends), or `ids` of `count` in
 * all (`DISCORD_SHARDS=N`: all N here; `DISCORD_SHARD_IDS` and `DISCORD_SHARD_COUNT`: this replica's part).
 */
export type DiscordShards = 'auto' | { ids: number[]; count: number };

/** Settings of the terminal adapter. */
export interface ShellConfig {
  /** Who the terminal user is in the bot's eyes. */
  user: string;
  /** The channel the terminal stands for. */
  channel: string;
}

/** Where the health and metrics endpoints listen; present only when `HEALTH_PORT` is set. */
export interface HealthConfig {
  /** 0 picks a free port (tests). */
  port: number;
  host: string;
}

/** The whole typed configuration, read once at start. */
export interface Config {
  logLevel: (typeof logLevels)[number];
  /** `json`: one JSON object a line (for log collectors); `pretty`: coloured lines for people. */
  logFormat: 'json' | 'pretty';
  /** Logs go to this file in every mode; otherwise to stdout with Slack or Discord, to `DATA_DIR/paperboy.log` in the terminal. */
  logFile?: string;
  /** Absent unless `HEALTH_PORT` is set. */
  health?: HealthConfig;
  /** Directory for runtime files: the SQLite database, the search index cache, the terminal's log. */
  dataDir: string;
  /** Where state lives: `sqlite:<DATA_DIR>/paperboy.db` by default (or a PostgreSQL URL, once that store exists). */
  databaseUrl: string;
  sources: SourcesConfig;
  fullText: FullTextConfig;
  /** Absent unless LLM_BASE_URL, LLM_API_KEY and LLM_MODEL are all set: then nothing leaves the process for a model. */
  languageModel?: LanguageModelConfig;
  scheduler: SchedulerConfig;
  replica: ReplicaConfig;
  /** Absent when Slack is not configured. */
  slack?: SlackConfig;
  /** Absent when Discord is not configured. */
  discord?: DiscordConfig;
  shell: ShellConfig;
}

/** Thrown when settings are missing or malformed; the message names every bad setting. */
export class ConfigError extends Error {}

/**
 * Reads and validates the environment once. Values are never echoed back in errors (some are secrets);
 * the message names each bad setting and what it should look like.
 */
export function readConfig(env: Record<string, string | undefined> = process.env): Config {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = EnvSchema.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.') || 'environment'}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration (check your environment or .env file):\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const problems: string[] = [];
  if (e.SLACK_BOT_TOKEN && !e.SLACK_SIGNING_SECRET && !e.SLACK_APP_TOKEN) {
    problems.push('  SLACK_SIGNING_SECRET or SLACK_APP_TOKEN: one is needed with SLACK_BOT_TOKEN (HTTP mode or Socket Mode)');
  }
  const oauth = { SLACK_CLIENT_ID: e.SLACK_CLIENT_ID, SLACK_CLIENT_SECRET: e.SLACK_CLIENT_SECRET, SLACK_STATE_SECRET: e.SLACK_STATE_SECRET };
  const oauthSet = Object.entries(oauth).filter(([, value]) => value !== undefined).map(([name]) => name);
  if (oauthSet.length > 0 && oauthSet.length < 3) {
    problems.push(`  ${Object.keys(oauth).filter((name) => !oauthSet.includes(name)).join(', ')}: needed too with ${oauthSet.join(' and ')} (installs in many workspaces need all three)`);
  }
  if (oauthSet.length > 0 && e.SLACK_BOT_TOKEN) problems.push('  SLACK_BOT_TOKEN: leave it out with SLACK_CLIENT_ID (each workspace\'s token comes from its install), or drop the SLACK_CLIENT_* settings for one workspace');
  if (oauthSet.length > 0 && (e.SLACK_APP_TOKEN || !e.SLACK_SIGNING_SECRET)) problems.push('  SLACK_SIGNING_SECRET: installs in many workspaces run in HTTP mode (the install page needs a public URL): set it, and leave SLACK_APP_TOKEN out');
  if (!e.SLACK_BOT_TOKEN && oauthSet.length === 0 && (e.SLACK_SIGNING_SECRET || e.SLACK_APP_TOKEN)) {
    problems.push('  SLACK_BOT_TOKEN: is needed too (the xoxb- token from OAuth & Permissions), or SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET for installs in many workspaces');
  }
  if ((e.DISCORD_SHARD_IDS === undefined) !== (e.DISCORD_SHARD_COUNT === undefined)) {
    problems.push('  DISCORD_SHARD_IDS and DISCORD_SHARD_COUNT: set both (this replica\'s shard ids, and the shards of all replicas together), or neither');
  } else if (e.DISCORD_SHARD_IDS && e.DISCORD_SHARD_COUNT !== undefined && e.DISCORD_SHARD_IDS.some((id) => id >= e.DISCORD_SHARD_COUNT!)) {
    problems.push(`  DISCORD_SHARD_IDS: shard ids go from 0 to DISCORD_SHARD_COUNT − 1 (${e.DISCORD_SHARD_COUNT - 1})`);
  }
  if (e.DISCORD_SHARDS !== undefined && e.DISCORD_SHARD_IDS !== undefined) {
    problems.push('  DISCORD_SHARDS: leave it out with DISCORD_SHARD_IDS (all shards in this process, or some per replica, not both)');
  }
  if (e.DISCORD_TOKEN && !e.DISCORD_APPLICATION_ID) {
    problems.push('  DISCORD_APPLICATION_ID: is needed with DISCORD_TOKEN (General Information page of your Discord application)');
  }
  if (!e.DISCORD_TOKEN && e.DISCORD_APPLICATION_ID) {
    problems.push('  DISCORD_TOKEN: is needed too (Bot page of your Discord application → Reset Token)');
  }
  const llm = { LLM_BASE_URL: e.LLM_BASE_URL, LLM_API_KEY: e.LLM_API_KEY, LLM_MODEL: e.LLM_MODEL };
  const llmSet = Object.entries(llm).filter(([, value]) => value !== undefined).map(([name]) => name);
  if (llmSet.length > 0 && llmSet.length < 3) {
    const missing = Object.keys(llm).filter((name) => !llmSet.includes(name));
    problems.push(`  ${missing.join(', ')}: needed too with ${llmSet.join(' and ')} (a language model needs its URL, key and model name; for a local server any key will do)`);
  }
  if (problems.length > 0) throw new ConfigError(`Invalid configuration (check your environment or .env file):\n${problems.join('\n')}`);
  const slack: SlackConfig | undefined = e.SLACK_BOT_TOKEN || e.SLACK_CLIENT_ID
    ? {
        mode: e.SLACK_APP_TOKEN ? 'socket' : 'http',
        ...(e.SLACK_BOT_TOKEN ? { botToken: e.SLACK_BOT_TOKEN } : {}),
        ...(e.SLACK_CLIENT_ID && e.SLACK_CLIENT_SECRET && e.SLACK_STATE_SECRET
          ? { oauth: { clientId: e.SLACK_CLIENT_ID, clientSecret: e.SLACK_CLIENT_SECRET, stateSecret: e.SLACK_STATE_SECRET } }
          : {}),
        ...(e.SLACK_SIGNING_SECRET ? { signingSecret: e.SLACK_SIGNING_SECRET } : {}),
        ...(e.SLACK_APP_TOKEN ? { appToken: e.SLACK_APP_TOKEN } : {}),
        port: e.SLACK_PORT,
        host: e.SLACK_HOST,
        apiUrl: e.SLACK_API_URL,
        command: e.SLACK_COMMAND,
        managers: e.SLACK_MANAGERS,
        ...(e.SLACK_BOT_ID ? { botId: e.SLACK_BOT_ID } : {}),
        ...(e.SLACK_BOT_USER_ID ? { botUserId: e.SLACK_BOT_USER_ID } : {}),
        requestTimeoutMs: e.CHAT_REQUEST_TIMEOUT_MS,
        startTimeoutMs: e.SLACK_START_TIMEOUT_MS,
      }
    : undefined;
  const discord: DiscordConfig | undefined = e.DISCORD_TOKEN && e.DISCORD_APPLICATION_ID
    ? {
        token: e.DISCORD_TOKEN,
        applicationId: e.DISCORD_APPLICATION_ID,
        apiBase: e.DISCORD_API_BASE.replace(/\/+$/, ''),
        ...(e.DISCORD_GUILD_ID ? { guildId: e.DISCORD_GUILD_ID } : {}),
        managers: e.DISCORD_MANAGERS,
        requestTimeoutMs: e.CHAT_REQUEST_TIMEOUT_MS,
        ...(e.DISCORD_SHARDS === 'auto' ? { shards: 'auto' as const } : {}),
        ...(typeof e.DISCORD_SHARDS === 'number' ? { shards: { ids: [...Array(e.DISCORD_SHARDS).keys()], count: e.DISCORD_SHARDS } } : {}),
        ...(e.DISCORD_SHARD_IDS && e.DISCORD_SHARD_COUNT ? { shards: { ids: [...new Set(e.DISCORD_SHARD_IDS)].sort((a, b) => a - b), count: e.DISCORD_SHARD_COUNT } } : {}),
      }
    : undefined;
  const languageModel: LanguageModelConfig | undefined =
    e.LLM_BASE_URL && e.LLM_API_KEY && e.LLM_MODEL
      ? { baseUrl: e.LLM_BASE_URL, apiKey: e.LLM_API_KEY, model: e.LLM_MODEL, timeoutMs: e.LLM_TIMEOUT_MS, dailyTokensPerChannel: e.LLM_DAILY_TOKENS }
      : undefined;
  return {
    ...(slack ? { slack } : {}),
    ...(discord ? { discord } : {}),
    ...(languageModel ? { languageModel } : {}),
    fullText: { htmlBaseUrl: e.ARXIV_HTML_URL },
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT,
    ...(e.LOG_FILE ? { logFile: e.LOG_FILE } : {}),
    ...(e.HEALTH_PORT !== undefined ? { health: { port: e.HEALTH_PORT, host: e.HEALTH_HOST } } : {}),
    dataDir: e.DATA_DIR,
    sources: {
      enabled: e.SOURCES,
      hfBaseUrl: e.HF_BASE_URL,
      ...(e.HF_TOKEN ? { hfToken: e.HF_TOKEN } : {}),
      arxivApiUrl: e.ARXIV_API_URL,
      arxivRssUrl: e.ARXIV_RSS_URL,
      arxivCategories: e.ARXIV_CATEGORIES,
      ...(e.ARXIV_QUERY ? { arxivQuery: e.ARXIV_QUERY } : {}),
      httpTimeoutMs: e.HTTP_TIMEOUT_MS,
      arxivMinIntervalMs: e.ARXIV_MIN_INTERVAL_MS,
      userAgent: `paperboy/0.1 (+${e.CONTACT})`,
      schedules: { hfDaily: e.HF_SCHEDULE, arxivRss: e.ARXIV_RSS_SCHEDULE, arxivApi: e.ARXIV_API_SCHEDULE },
    },
    databaseUrl: e.DATABASE_URL ?? `sqlite:${e.DATA_DIR.replace(/\/+$/, '')}/paperboy.db`,
    scheduler: { defaultTimeZone: e.DEFAULT_TIME_ZONE, graceMs: e.DAILY_GRACE_MINUTES * 60_000 },
    replica: { id: e.REPLICA_ID ?? `${hostname()}-${process.pid}`, leaseMs: e.REPLICA_LEASE_SECONDS * 1000 },
    shell: { user: e.SHELL_USER, channel: e.SHELL_CHANNEL },
  };
}
