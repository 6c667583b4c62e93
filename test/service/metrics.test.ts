import { describe, expect, it } from 'vitest';
import { commandRegistry } from '../../commands/registry.ts';
import { ManualClock } from '../../src/clock.ts';
import { RateLimitedError, TransientPlatformError } from '../../src/delivery/platform-errors.ts';
import { createPrometheusMetrics } from '../../src/metrics/prometheus-metrics.ts';
import type { PaperSource } from '../../src/scheduler/source-refresh.ts';
import { testBot } from '../helpers/bot.ts';
import { hfDailyPapers, testLibrary } from '../helpers/library.ts';

/** The value of one sample line of Prometheus's text format, e.g. `paperboy_corpus_papers`. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('/metrics counts what the bot does', () => {
  it('counts commands by name and outcome, times them, and keeps unknown names to one label', async () => {
    const lib = await testLibrary({ now: '2025-01-24T06:00:00Z' });
    const metrics = createPrometheusMetrics({
      clock: lib.clock, commands: commandRegistry.map((s) => s.name), sources: [],
      corpusSize: () => lib.library.stats().papers, lastSourceSuccess: async () => undefined,
    });
    const bot = await testBot({ library: lib, metrics });
    await bot.exec('search diffusion');
    await bot.exec('search transport');
    await bot.exec('serch diffusion');
    await bot.exec(`x${'y'.repeat(50)}`);
    await bot.exec('show');
    const text = await metrics.render();
    expect(sample(text, 'paperboy_commands_total{command="search",outcome="ok"}')).toBe(2);
    expect(sample(text, 'paperboy_commands_total{command="unknown",outcome="user-error"}')).toBe(2);
    expect(sample(text, 'paperboy_commands_total{command="show",outcome="user-error"}')).toBe(1);
    expect(sample(text, 'paperboy_commands_total{command="cite",outcome="ok"}')).toBe(0);
    expect(text).not.toContain('serch');
    expect(sample(text, 'paperboy_command_duration_seconds_count{command="search"}')).toBe(2);
    expect(sample(text, 'paperboy_command_duration_seconds_bucket{le="10",command="search"}')).toBe(2);
    expect(sample(text, 'paperboy_corpus_papers')).toBe(74);
  });

  it('counts scheduled posts by state, 429s by platform, refreshes by result, and the age of the last success', async () => {
    let failing = true;
    const source: PaperSource = {
      name: 'hf-daily',
      schedule: '0 * * * *',
      fetch: async () => {
        if (failing) throw new Error('getaddrinfo ENOTFOUND huggingface.co');
        return { papers: hfDailyPapers(new Date('2025-01-24T06:00:00Z')), rejected: [] };
      },
    };
    const lib = await testLibrary({ now: '2025-01-24T05:00:00Z' });
    const { stores } = lib;
    const metrics = createPrometheusMetrics({
      clock: lib.clock, commands: commandRegistry.map((s) => s.name), sources: ['hf-daily'],
      corpusSize: () => lib.library.stats().papers,
      lastSourceSuccess: async (name) => { const at = (await stores.sources.get(name))?.lastSuccessAt; return at ? new Date(at) : undefined; },
    });
    const bot = await testBot({ library: lib, metrics, sources: [source] });
    const before = lib.library.stats().papers;
    await bot.exec('daily on 09:00 UTC');
    bot.platform.failNext('C1', new RateLimitedError(30_000), new RateLimitedError(30_000), new TransientPlatformError('HTTP 503'));

    await bot.jobs.runUntil(new Date('2025-01-24T05:20:00Z'));
    let text = await metrics.render();
    // Tried at 05:00, then retried after 2, 4 and 8 minutes.
    expect((await stores.sources.get('hf-daily'))?.consecutiveFailures).toBe(4);
    expect(sample(text, 'paperboy_source_refreshes_total{source="hf-daily",result="failed"}')).toBe(4);
    expect(sample(text, 'paperboy_source_refreshes_total{source="hf-daily",result="ok"}')).toBe(0);
    expect(text).toContain('# TYPE paperboy_source_last_success_age_seconds gauge');
    expect(text).not.toContain('paperboy_source_last_success_age_seconds{'); // never succeeded: no age

    failing = false;
    await bot.jobs.runUntil(new Date('2025-01-24T09:30:00Z'));
    text = await metrics.render();
    expect(bot.platform.postsTo('C1')).toHaveLength(1);
    expect(sample(text, 'paperboy_rate_limited_total{platform="test"}')).toBe(2);
    expect(sample(text, 'paperboy_deliveries_total{platform="test",state="retrying"}')).toBe(1);
    expect(sample(text, 'paperboy_deliveries_total{platform="test",state="sent"}')).toBe(1);
    expect(sample(text, 'paperboy_source_refreshes_total{source="hf-daily",result="ok"}')).toBeGreaterThanOrEqual(1);
    expect(lib.library.stats().papers).toBeGreaterThan(before);
    expect(sample(text, 'paperboy_corpus_papers')).toBe(lib.library.stats().papers);
    // The last success was at 09:00 (hourly); the clock now stands at 09:30.
    const lastSuccess = Date.parse((await stores.sources.get('hf-daily'))!.lastSuccessAt!);
    expect(sample(text, 'paperboy_source_last_success_age_seconds{source="hf-daily"}')).toBe((lib.clock.now().getTime() - lastSuccess) / 1000);
    expect(sample(text, 'paperboy_source_last_success_age_seconds{source="hf-daily"}')).toBeLessThanOrEqual(30 * 60);
  });

  it("includes Node's process metrics, event-loop lag among them", async () => {
    const metrics = createPrometheusMetrics({ clock: new ManualClock('2025-01-24T12:00:00Z'), commands: [], sources: [], corpusSize: () => 0, lastSourceSuccess: async () => undefined });
    const text = await metrics.render();
    for (const family of ['nodejs_eventloop_lag_seconds', 'nodejs_eventloop_lag_p99_seconds', 'nodejs_eventloop_lag_max_seconds', 'process_cpu_seconds_total', 'process_resident_memory_bytes']) {
      expect(text).toContain(`# TYPE ${family} `);
    }
    expect(metrics.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
  });
});
