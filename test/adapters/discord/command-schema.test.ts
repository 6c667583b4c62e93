import { ApplicationCommandOptionType } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { discordCommandSchema, lineFromOptions, subcommand, type OptionValue } from '../../../adapters/discord/command-schema.ts';
import { commandRegistry } from '../../../commands/registry.ts';
import { testBot, textOf } from '../../helpers/bot.ts';

const spec = (name: string) => commandRegistry.find((s) => s.name === name)!;
const values = (entries: Record<string, OptionValue>) => new Map(Object.entries(entries));
type Option = { type: number; name: string; description: string; required?: boolean; autocomplete?: boolean; choices?: { name: string; value: string }[]; min_value?: number; max_value?: number };

describe('the /papers Discord command generated from the registry', () => {
  const schema = discordCommandSchema(commandRegistry);
  const subcommands = schema.options as unknown as (Option & { options: Option[] })[];

  it('has one subcommand per registered command, each within Discord’s limits', () => {
    expect(schema.name).toBe('papers');
    expect(subcommands.map((s) => s.name)).toEqual(commandRegistry.map((s) => s.name));
    for (const sub of subcommands) {
      expect(sub.type).toBe(ApplicationCommandOptionType.Subcommand);
      expect(sub.description.length).toBeGreaterThan(0);
      expect(sub.description.length).toBeLessThanOrEqual(100);
      expect(sub.options.length).toBeLessThanOrEqual(25);
      const names = sub.options.map((o) => o.name);
      expect(new Set(names).size, `${sub.name} has two options with one name`).toBe(names.length);
      for (const option of sub.options) {
        expect(option.name).toMatch(/^[-_a-z0-9]{1,32}$/);
        expect(option.description.length).toBeLessThanOrEqual(100);
        expect(option.autocomplete && option.choices, `${sub.name} ${option.name}: autocomplete and choices together`).toBeFalsy();
        expect((option.choices ?? []).length).toBeLessThanOrEqual(25);
      }
      // Discord refuses a command whose required options do not come first.
      const firstOptional = sub.options.findIndex((o) => !o.required);
      expect(sub.options.slice(firstOptional === -1 ? sub.options.length : firstOptional).every((o) => !o.required)).toBe(true);
    }
  });

  it('autocompletes every option that names a paper, and offers fixed values as choices', () => {
    for (const name of ['show', 'related', 'cite', 'discuss', 'save']) {
      const paper = subcommands.find((s) => s.name === name)!.options.find((o) => o.name === 'paper')!;
      expect(paper).toMatchObject({ type: ApplicationCommandOptionType.String, required: true, autocomplete: true });
    }
    const search = subcommands.find((s) => s.name === 'search')!.options;
    expect(search.find((o) => o.name === 'query')).toMatchObject({ autocomplete: true, required: false });
    expect(search.find((o) => o.name === 'sort')!.choices!.map((c) => c.value)).toEqual(['relevance', 'trending', 'newest']);
    expect(search.find((o) => o.name === 'min-upvotes')!.type).toBe(ApplicationCommandOptionType.Integer);
    // Discord is told the real ranges, so it refuses top:50 as it is typed.
    expect(search.find((o) => o.name === 'page')).toMatchObject({ min_value: 1, max_value: 1000 });
    expect(subcommands.find((s) => s.name === 'daily')!.options.find((o) => o.name === 'top')).toMatchObject({ min_value: 1, max_value: 20 });
    expect(subcommands.find((s) => s.name === 'trending')!.options.find((o) => o.name === 'page')).toMatchObject({ min_value: 1, max_value: 100 });
    const daily = subcommands.find((s) => s.name === 'daily')!.options;
    expect(daily.find((o) => o.name === 'timezone')).toMatchObject({ autocomplete: true });
    expect(daily.find((o) => o.name === 'weekdays')!.type).toBe(ApplicationCommandOptionType.Boolean);
    expect(subcommands.find((s) => s.name === 'subscribe')!.options.find((o) => o.name === 'mention')!.type).toBe(ApplicationCommandOptionType.Mentionable);
    expect(subcommands.find((s) => s.name === 'help')!.options[0]!.choices!.map((c) => c.value)).toContain('subscribe');
  });

  it('is usable by everyone (Discord grants permissions per command, not subcommand) and only in servers', () => {
    expect(schema.default_member_permissions).toBeUndefined();
    expect(schema.contexts).toEqual([0]);
  });

  it('moves a required argument ahead of optional ones', () => {
    const names = subcommand(spec('subscribe')).options!.map((o) => o.name);
    expect(names[0]).toBe('topic');
  });
});

describe('option values back to the command line', () => {
  it('puts positional arguments in order, a flag as its word, and options as key:value', () => {
    expect(lineFromOptions(spec('daily'), values({ weekdays: true, timezone: 'Europe/Berlin', action: 'on', time: '08:30', top: 3, topic: 'diffusion models' })))
      .toBe('daily on "08:30" Europe/Berlin weekdays top:3 topic:"diffusion models"');
    expect(lineFromOptions(spec('daily'), values({ weekdays: false }))).toBe('daily');
    expect(lineFromOptions(spec('subscribe'), values({ topic: 'test-time adaptation', mention: 'role:123456789012345678' })))
      .toBe('subscribe "test-time adaptation" mention:"role:123456789012345678"');
    // A value that looks like an option or holds a space stays one value.
    expect(lineFromOptions(spec('search'), values({ query: 'transformers: a survey' }))).toBe('search "transformers: a survey"');
  });

  it('runs the same command as the typed line would', async () => {
    const bot = await testBot({ withSources: true });
    const typed = await bot.exec('search diffusion sort:newest page:1');
    const fromOptions = await bot.exec(lineFromOptions(spec('search'), values({ query: 'diffusion', sort: 'newest', page: 1 })));
    expect(fromOptions.outcome).toBe('ok');
    expect(textOf(fromOptions.reply)).toBe(textOf(typed.reply));
    const cite = await bot.exec(lineFromOptions(spec('cite'), values({ paper: '2501.12948', format: 'markdown' })));
    expect(cite.outcome).toBe('ok');
    expect(textOf(cite.reply)).toContain('arxiv.org/abs/2501.12948');
  });
});
