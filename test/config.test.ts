import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, readConfig, settingNames } from '../src/config.ts';

describe('configuration', () => {
  it('runs with no settings at all: bundled corpus, data in ./data, no sources', () => {
    const config = readConfig({});
    expect(config.dataDir).toBe('./data');
    expect(config.sources.enabled).toEqual([]);
    expect(config.sources.arxivMinIntervalMs).toBe(3000);
    expect(config.sources.hfBaseUrl).toBe('https://huggingface.co');
  });

  it('names each replica by host and process unless told, so two bots on one host never share a name (and posts)', () => {
    expect(readConfig({}).replica.id).toMatch(new RegExp(`^.+-${process.pid}$`));
    expect(readConfig({ REPLICA_ID: 'paperboy-1' }).replica.id).toBe('paperboy-1');
  });

  it('reads sources and base URLs', () => {
    const config = readConfig({ SOURCES: 'hf-daily, arxiv-rss', HF_BASE_URL: 'http://127.0.0.1:9999', ARXIV_CATEGORIES: 'cs.LG,stat.ML' });
    expect(config.sources.enabled).toEqual(['hf-daily', 'arxiv-rss']);
    expect(config.sources.hfBaseUrl).toBe('http://127.0.0.1:9999');
    expect(config.sources.arxivCategories).toEqual(['cs.LG', 'stat.ML']);
  });

  it('names every bad setting in one message and says what to write instead', () => {
    let message = '';
    try {
      readConfig({ SOURCES: 'hf-daily,twitter', HF_BASE_URL: 'not a url', ARXIV_MIN_INTERVAL_MS: '500', LOG_LEVEL: 'loud' });
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      message = (error as Error).message;
    }
    expect(message).toContain('SOURCES');
    expect(message).toContain('hf-daily, arxiv-api, arxiv-rss');
    expect(message).toContain('HF_BASE_URL: must be a URL');
    expect(message).toContain('ARXIV_MIN_INTERVAL_MS: must be at least 3000');
    expect(message).toContain('LOG_LEVEL: must be one of');
  });

  it('reads the log format and file, and the health port (off unless set)', () => {
    const defaults = readConfig({});
    expect([defaults.logFormat, defaults.logFile, defaults.health]).toEqual(['json', undefined, undefined]);
    expect(readConfig({ LOG_FORMAT: 'pretty', LOG_FILE: '/var/log/paperboy.log', HEALTH_PORT: '9464' }))
      .toMatchObject({ logFormat: 'pretty', logFile: '/var/log/paperboy.log', health: { port: 9464, host: '0.0.0.0' } });
    expect(() => readConfig({ LOG_FORMAT: 'xml', HEALTH_PORT: 'http' })).toThrow(
      /LOG_FORMAT: must be json \(one JSON object a line\) or pretty \(for people\)\n {2}HEALTH_PORT: must be a port number/,
    );
  });

  it('documents every setting in .env.example and in the README configuration table', () => {
    const example = readFileSync(new URL('../.env.example', import.meta.url), 'utf8');
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    expect(settingNames.filter((name) => !new RegExp(`^${name}=`, 'm').test(example))).toEqual([]);
    expect(settingNames.filter((name) => !new RegExp(`^\\| [^|]*\`${name}\``, 'm').test(readme))).toEqual([]);
  });

  it('never echoes a setting value back (some are secrets)', () => {
    try {
      readConfig({ HF_TOKEN: 'hf_supersecret', HTTP_TIMEOUT_MS: 'hf_supersecret' });
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).toContain('HTTP_TIMEOUT_MS');
      expect((error as Error).message).not.toContain('supersecret');
    }
  });
});

describe('Slack settings', () => {
  it('is off without a bot token, Socket Mode with an app token, HTTP mode with a signing secret', () => {
    expect(readConfig({}).slack).toBeUndefined();
    expect(readConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1' }).slack).toMatchObject({ mode: 'socket', appToken: 'xapp-1', command: '/papers' });
    expect(readConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 'abcdef0123456789abcdef', SLACK_MANAGERS: 'U1,U2' }).slack)
      .toMatchObject({ mode: 'http', port: 3000, managers: ['U1', 'U2'], apiUrl: 'https://slack.com/api/' });
  });

  it('names what is missing or malformed, without echoing the tokens', () => {
    expect(() => readConfig({ SLACK_BOT_TOKEN: 'xoxb-secret1' })).toThrow(/SLACK_SIGNING_SECRET or SLACK_APP_TOKEN: one is needed/);
    expect(() => readConfig({ SLACK_APP_TOKEN: 'xapp-secret2' })).toThrow(/SLACK_BOT_TOKEN: is needed too/);
    try {
      readConfig({ SLACK_BOT_TOKEN: 'xoxp-user-secret3', SLACK_APP_TOKEN: 'xapp-1' });
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).toContain('SLACK_BOT_TOKEN: must be a bot token starting with xoxb-');
      expect((error as Error).message).not.toContain('secret3');
    }
  });

  it('serves many workspaces with the app\'s OAuth credentials (HTTP mode, no bot token), and says what is missing', () => {
    const oauth = { SLACK_CLIENT_ID: '1234.5678', SLACK_CLIENT_SECRET: 'abcdef0123456789abcd', SLACK_STATE_SECRET: 'state-secret-of-sixteen' };
    expect(readConfig({ ...oauth, SLACK_SIGNING_SECRET: 'abcdef0123456789abcdef' }).slack).toMatchObject({ mode: 'http', oauth: { clientId: '1234.5678' } });
    expect(readConfig({ ...oauth, SLACK_SIGNING_SECRET: 'abcdef0123456789abcdef' }).slack?.botToken).toBeUndefined();
    expect(() => readConfig({ SLACK_CLIENT_ID: '1234.5678', SLACK_SIGNING_SECRET: 'abcdef0123456789abcdef' })).toThrow(/SLACK_CLIENT_SECRET, SLACK_STATE_SECRET: needed too with SLACK_CLIENT_ID/);
    expect(() => readConfig({ ...oauth, SLACK_APP_TOKEN: 'xapp-1' })).toThrow(/run in HTTP mode/);
    expect(() => readConfig({ ...oauth, SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 'abcdef0123456789abcdef' })).toThrow(/SLACK_BOT_TOKEN: leave it out with SLACK_CLIENT_ID/);
  });
});

describe('Discord settings', () => {
  const token = 'MTA5ODc2NTQzMjEwOTg3NjU0.GabcDE.abcdefghijklmnopqrstuvwxyz0123';

  it('is off without a token, on with a token and an application id', () => {
    expect(readConfig({}).discord).toBeUndefined();
    expect(readConfig({ DISCORD_TOKEN: token, DISCORD_APPLICATION_ID: '109876543210987654', DISCORD_MANAGERS: '1,2', DISCORD_API_BASE: 'http://127.0.0.1:9/api/' }).discord)
      .toEqual({ token, applicationId: '109876543210987654', apiBase: 'http://127.0.0.1:9/api', managers: ['1', '2'], requestTimeoutMs: 10_000 });
  });

  it('names what is missing or malformed, without echoing the token', () => {
    expect(() => readConfig({ DISCORD_TOKEN: token })).toThrow(/DISCORD_APPLICATION_ID: is needed with DISCORD_TOKEN/);
    expect(() => readConfig({ DISCORD_APPLICATION_ID: '109876543210987654' })).toThrow(/DISCORD_TOKEN: is needed too/);
    try {
      readConfig({ DISCORD_TOKEN: 'not a token secret4', DISCORD_APPLICATION_ID: 'abc', DISCORD_GUILD_ID: '12' });
      expect.unreachable();
    } catch (error) {
      const message = (error as ConfigError).message;
      expect(message).toMatch(/DISCORD_TOKEN: must be the bot token/);
      expect(message).toMatch(/DISCORD_APPLICATION_ID: must be the Application ID/);
      expect(message).toMatch(/DISCORD_GUILD_ID: must be a server id/);
      expect(message).not.toContain('secret4');
    }
  });

  it('runs the gateway in shards: all in this process (DISCORD_SHARDS), or this replica\'s part (DISCORD_SHARD_IDS of DISCORD_SHARD_COUNT)', () => {
    const discord = { DISCORD_TOKEN: 'MTA5ODc2NTQzMjEwOTg3NjU0.GabcDE.abcdefghijklmnopqrstuvwxyz0123', DISCORD_APPLICATION_ID: '109876543210987654' };
    expect(readConfig(discord).discord?.shards).toBeUndefined();
    expect(readConfig({ ...discord, DISCORD_SHARDS: 'auto' }).discord?.shards).toBe('auto');
    expect(readConfig({ ...discord, DISCORD_SHARDS: '3' }).discord?.shards).toEqual({ ids: [0, 1, 2], count: 3 });
    expect(readConfig({ ...discord, DISCORD_SHARD_IDS: '3,1', DISCORD_SHARD_COUNT: '4' }).discord?.shards).toEqual({ ids: [1, 3], count: 4 });
    expect(() => readConfig({ ...discord, DISCORD_SHARD_IDS: '4', DISCORD_SHARD_COUNT: '4' })).toThrow(/DISCORD_SHARD_IDS: shard ids go from 0 to DISCORD_SHARD_COUNT − 1 \(3\)/);
    expect(() => readConfig({ ...discord, DISCORD_SHARD_IDS: '0' })).toThrow(/DISCORD_SHARD_IDS and DISCORD_SHARD_COUNT: set both/);
    expect(() => readConfig({ ...discord, DISCORD_SHARDS: 'many' })).toThrow(/DISCORD_SHARDS: must be auto or a number of shards/);
  });
});

describe('full text and language model settings', () => {
  it('reads arXiv HTML from arxiv.org and uses no model by default', () => {
    const config = readConfig({});
    expect(config.fullText).toEqual({ htmlBaseUrl: 'https://arxiv.org/html' });
    expect(config.languageModel).toBeUndefined();
    expect(readConfig({ ARXIV_HTML_URL: 'http://127.0.0.1:9999/html' }).fullText.htmlBaseUrl).toBe('http://127.0.0.1:9999/html');
  });

  it('uses a model only with its URL, key and name, with a 20 s timeout and a daily cap per channel', () => {
    const config = readConfig({ LLM_BASE_URL: 'http://127.0.0.1:11434/v1', LLM_API_KEY: 'sk-secret', LLM_MODEL: 'llama3.1:8b' });
    expect(config.languageModel).toEqual({
      baseUrl: 'http://127.0.0.1:11434/v1', apiKey: 'sk-secret', model: 'llama3.1:8b', timeoutMs: 20_000, dailyTokensPerChannel: 50_000,
    });
    expect(readConfig({ LLM_BASE_URL: 'http://h/v1', LLM_API_KEY: 'k', LLM_MODEL: 'm', LLM_TIMEOUT_MS: '5000', LLM_DAILY_TOKENS: '1000' }).languageModel)
      .toMatchObject({ timeoutMs: 5000, dailyTokensPerChannel: 1000 });
  });

  it('names the missing model settings when only some are set, without echoing the key', () => {
    try {
      readConfig({ LLM_API_KEY: 'sk-very-secret' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toContain('LLM_BASE_URL, LLM_MODEL: needed too with LLM_API_KEY');
      expect((error as Error).message).not.toContain('very-secret');
    }
    expect(() => readConfig({ LLM_BASE_URL: 'not a url', LLM_API_KEY: 'k', LLM_MODEL: 'm' })).toThrow(/LLM_BASE_URL: must be a URL/);
    expect(() => readConfig({ LLM_DAILY_TOKENS: '0' })).toThrow(/LLM_DAILY_TOKENS: must be above 0/);
  });
});
