import { z } from 'zod';
import type { Block, OutgoingMessage } from '../src/chat/message.ts';
import { closest } from './framework/args.ts';
import { echo } from '../src/chat/text.ts';
import { defineCommand, type AnyCommandSpec, type ArgumentSpec, type OptionSpec } from './framework/command-spec.ts';
import { argumentUsage, optionUsage, usageOf } from './framework/usage.ts';

/** Help for one command: usage, what each argument and option is, examples, who may use it. */
export function commandHelp(spec: AnyCommandSpec): OutgoingMessage {
  const usage = `/papers ${usageOf(spec)}`;
  const fields = [
    ...Object.entries(spec.arguments as Record<string, ArgumentSpec>).map(([name, a]) => ({ label: argumentUsage(name, a), value: a.description })),
    ...Object.entries(spec.options as Record<string, OptionSpec>).map(([name, o]) => ({
      label: optionUsage(name, o),
      value: `${o.description}${o.default !== undefined ? ` (default ${o.default})` : ''}`,
    })),
  ];
  const who = spec.permission === 'channel-manager' ? 'Channel managers only.' : typeof spec.permission === 'function' ? 'Changing settings: channel managers only.' : undefined;
  const lines = [usage, spec.summary, ...fields.map((f) => `  ${f.label}  ${f.value}`), ...spec.examples.map((e) => `  e.g. /papers ${e}`), ...(who ? [who] : [])];
  const blocks: Block[] = [
    { kind: 'text', text: [{ text: usage, style: 'code' }] },
    { kind: 'text', text: [spec.summary] },
  ];
  if (fields.length > 0) blocks.push({ kind: 'fields', fields: fields.map((f) => ({ label: f.label, value: [f.value] })) });
  blocks.push({ kind: 'list', items: spec.examples.map((e) => [{ text: `/papers ${e}`, style: 'code' as const }]) });
  if (who) blocks.push({ kind: 'context', text: [who] });
  return { fallbackText: lines.join('\n'), blocks, visibility: 'user' };
}

/** The list of every registered command, one line each. */
export function commandList(specs: readonly AnyCommandSpec[]): OutgoingMessage {
  return {
    fallbackText: ['Paperboy commands:', ...specs.map((s) => `/papers ${usageOf(s)} — ${s.summary}`)].join('\n'),
    blocks: [
      { kind: 'heading', text: 'Paperboy commands' },
      { kind: 'list', items: specs.map((s) => [{ text: `/papers ${usageOf(s)}`, style: 'code' as const }, ` — ${s.summary}`]) },
      { kind: 'context', text: ['More on one command: /papers help <command>'] },
    ],
    visibility: 'user',
  };
}

/** `help`, generated from the registry it is given (so it never lists a command twice or misses one). */
export function createHelpCommand(specs: () => readonly AnyCommandSpec[]) {
  const names = () => specs().map((s) => s.name);
  const command: ArgumentSpec<AnyCommandSpec> = {
    kind: 'text',
    takes: 'word',
    description: 'the command to explain',
    example: 'search',
    placeholder: 'command',
    // A getter: the registry that holds this command is still being built when it is created.
    get choices() {
      return names();
    },
    // Any word: a mistyped name gets a suggestion rather than "not something help takes".
    accepts: () => true,
    schema: () =>
      z.string().transform((word, ctx) => {
        const spec = specs().find((s) => s.name === word.toLowerCase());
        if (spec) return spec;
        const suggestion = closest(word, names());
        ctx.addIssue({ code: 'custom', message: `There is no command "${echo(word)}".${suggestion ? ` Did you mean /papers help ${suggestion}?` : ' Type /papers help for the list.'}` });
        return z.NEVER;
      }),
  };
  return defineCommand({
    name: 'help',
    summary: 'List the commands, or explain one',
    examples: ['help', 'help search'],
    arguments: { command },
    options: {},
    permission: 'anyone',
    run: ({ command: spec }) => (spec ? commandHelp(spec) : commandList(specs())),
  });
}
