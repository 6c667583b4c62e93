import { ApplicationCommandOptionType } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { subcommand } from '../../adapters/discord/command-schema.ts';
import { parseArgs } from '../../commands/framework/args.ts';
import { checkLine } from '../../commands/framework/bind.ts';
import { defineCommand, type ArgumentSpec } from '../../commands/framework/command-spec.ts';
import { usageOf } from '../../commands/framework/usage.ts';
import { choiceOption, wordsArgument } from '../../commands/framework/validators.ts';
import { commandHelp } from '../../commands/help.ts';
import { commandRegistry } from '../../commands/registry.ts';
import { UserError } from '../../src/chat/errors.ts';
import { testBot } from '../helpers/bot.ts';

/** A command with one argument and one option, declared once each; `run` reports what it got. */
const colour = defineCommand({
  name: 'paint',
  summary: 'paints',
  examples: ['paint fence colour:red'],
  arguments: { thing: wordsArgument({ placeholder: 'thing', what: 'something to paint', description: 'what to paint', example: 'fence' }) },
  options: { colour: choiceOption(['red', 'blue'], { description: 'the paint', default: 'blue' }) },
  permission: 'anyone',
  run: ({ thing, colour: paint }) => ({ fallbackText: `${thing} is ${paint}`, blocks: [], visibility: 'channel' as const }),
});

function check(line: string) {
  const spec = commandRegistry.find((s) => s.name === line.split(' ')[0])!;
  return checkLine(spec, parseArgs(line.slice(spec.name.length), Object.keys(spec.options)), undefined);
}

describe('each argument and option is declared once', () => {
  it('one declaration gives the usage line, help, the Discord option and the checked value', async () => {
    expect(usageOf(colour)).toBe('paint <thing> [colour:red|blue]');
    expect(commandHelp(colour).fallbackText).toContain('[colour:red|blue]  the paint (default blue)');
    expect(subcommand(colour).options).toEqual([
      expect.objectContaining({ name: 'thing', type: ApplicationCommandOptionType.String, required: true }),
      expect.objectContaining({ name: 'colour', type: ApplicationCommandOptionType.String, choices: [{ name: 'red', value: 'red' }, { name: 'blue', value: 'blue' }] }),
    ]);
    const bot = await testBot({ registry: [colour] });
    expect((await bot.exec('paint the fence colour:red')).reply.fallbackText).toBe('the fence is red');
    expect((await bot.exec('paint the fence')).reply.fallbackText).toBe('the fence is blue');
    expect((await bot.exec('paint the fence colour:green')).reply.fallbackText).toMatch(/^colour must be one of red, blue, e.g. colour:red/);
  });

  it('an option that is not declared is refused, never silently dropped, on every command', async () => {
    const bot = await testBot({ withSources: true });
    expect((await bot.exec('paint fence shade:red')).outcome).toBe('user-error');
    for (const spec of commandRegistry) {
      const result = await bot.exec(`${spec.name} x zzz:1`);
      expect(result.outcome, spec.name).toBe('user-error');
      expect(result.reply.fallbackText, spec.name).toMatch(new RegExp(`^/papers ${spec.name} has no option "zzz:"`));
    }
  });

  it("every declared option's example and every help example passes the command's own checks", () => {
    for (const spec of commandRegistry) {
      for (const [name, option] of Object.entries(spec.options)) {
        const [required] = Object.entries(spec.arguments as Record<string, ArgumentSpec>).filter(([, a]) => a.required);
        const words = required ? `${required[1].example} ` : '';
        expect(() => check(`${spec.name} ${words}${name}:${option.example}`), `${spec.name} ${name}:${option.example}`).not.toThrow();
      }
      for (const example of spec.examples) expect(() => check(example), example).not.toThrow();
    }
  });

  it('every argument is reachable: at most one takes the rest of the line, and one-word arguments say which words they take', () => {
    for (const spec of commandRegistry) {
      const args = Object.values(spec.arguments as Record<string, ArgumentSpec>);
      expect(args.filter((a) => a.takes === 'rest').length, spec.name).toBeLessThanOrEqual(1);
      for (const [name, argument] of Object.entries(spec.arguments as Record<string, ArgumentSpec>)) {
        expect(() => check(`${spec.name} ${argument.example}`), `${spec.name} ${name}`).not.toThrow(/is not something|takes nothing/);
      }
    }
  });

  it('a word no argument takes, or a second value for one, is refused rather than the last one kept', () => {
    expect(() => check('daily on 09:00 10:00')).toThrow(UserError);
    expect(() => check('daily on 09:00 UTC Europe/Berlin')).toThrow(/takes one timezone/);
    expect(() => check('cite 1706.03762 bibtex markdown')).toThrow(/takes one format: you gave "markdown" and "bibtex"/);
    expect(() => check('saved export bibtex extra')).toThrow(/"extra" is not something \/papers saved takes here/);
    expect(() => check('help search show')).toThrow(/takes one command/);
    expect(check('daily on 09:00 Europe/Berlin weekdays top:3')).toEqual({ action: 'on', time: '09:00', timezone: 'Europe/Berlin', weekdays: true, top: 3 });
  });
});
