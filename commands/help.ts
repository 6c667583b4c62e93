import { UserError } from '../src/chat/errors.ts';
import type { Block, OutgoingMessage } from '../src/chat/message.ts';
import { closest } from './framework/args.ts';
import { defineCommand, type ArgumentSpec, type CommandSpec } from './framework/command-spec.ts';

/** Help for one command: usage, options, examples, who may use it. */
export function commandHelp(spec: CommandSpec<unknown>): OutgoingMessage {
  const lines = [
    `/papers ${spec.usage}`,
    spec.summary,
    ...spec.options.map((o) => `  ${o.name}:${o.choices ? o.choices.join('|') : o.example}  ${o.description}`),
    ...spec.examples.map((e) => `  e.g. /papers ${e}`),
    ...(spec.permission === 'channel-manager' ? ['Channel managers only.'] : []),
    ...(typeof spec.permission === 'function' ? ['Changing settings: channel managers only.'] : []),
  ];
  const blocks: Block[] = [
    { kind: 'text', text: [{ text: `/papers ${spec.usage}`, style: 'code' }] },
    { kind: 'text', text: [spec.summary] },
  ];
  if (spec.options.length > 0) {
    blocks.push({ kind: 'fields', fields: spec.options.map((o) => ({ label: `${o.name}:${o.choices ? o.choices.join('|') : o.example}`, value: [o.description] })) });
  }
  blocks.push({ kind: 'list', items: spec.examples.map((e) => [{ text: `/papers ${e}`, style: 'code' as const }]) });
  if (spec.permission === 'channel-manager') blocks.push({ kind: 'context', text: ['Channel managers only.'] });
  if (typeof spec.permission === 'function') blocks.push({ kind: 'context', text: ['Changing settings: channel managers only.'] });
  return { fallbackText: lines.join('\n'), blocks, visibility: 'user' };
}

/** The list of every registered command, one line each. */
export function commandList(specs: readonly CommandSpec<unknown>[]): OutgoingMessage {
  return {
    fallbackText: ['Paperboy commands:', ...specs.map((s) => `/papers ${s.usage} — ${s.summary}`)].join('\n'),
    blocks: [
      { kind: 'heading', text: 'Paperboy commands' },
      { kind: 'list', items: specs.map((s) => [{ text: `/papers ${s.usage}`, style: 'code' as const }, ` — ${s.summary}`]) },
      { kind: 'context', text: ['More on one command: /papers help <command>'] },
    ],
    visibility: 'user',
  };
}

/** `help`, generated from the registry it is given (so it never lists a command twice or misses one). */
export function createHelpCommand(specs: () => readonly CommandSpec<unknown>[]) {
  return defineCommand({
    name: 'help',
    summary: 'List the commands, or explain one',
    usage: 'help [command]',
    examples: ['help', 'help search'],
    // A getter: the registry that holds this command is still being built when it is created.
    get arguments(): readonly ArgumentSpec[] {
      return [{ name: 'command', description: 'the command to explain', kind: 'text', choices: specs().map((s) => s.name) }];
    },
    options: [],
    permission: 'anyone',
    parse: ({ words }) => ({ command: words[0]?.toLowerCase() }),
    run: ({ command }) => {
      if (!command) return commandList(specs());
      const spec = specs().find((s) => s.name === command);
      if (spec) return commandHelp(spec);
      const suggestion = closest(command, specs().map((s) => s.name));
      throw new UserError('unknown-command', `There is no command "${command}".${suggestion ? ` Did you mean /papers help ${suggestion}?` : ' Type /papers help for the list.'}`);
    },
  });
}
