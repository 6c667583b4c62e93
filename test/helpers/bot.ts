import { ActionCodec, MemoryActionStore } from '../../commands/actions.ts';
import type { CommandResult } from '../../commands/command-spec.ts';
import { Dispatcher } from '../../commands/dispatcher.ts';
import { plainText, type Block, type Button, type OutgoingMessage } from '../../src/chat/message.ts';
import { MemoryLogger } from '../../src/logger.ts';
import { testLibrary } from './library.ts';

/** A bot with the real dispatcher, corpus and index, no platform: `exec('search diffusion')`. */
export function testBot(options: { withSources?: boolean; now?: string; canManageChannel?: boolean } = {}) {
  const { search, clock } = testLibrary(options);
  const log = new MemoryLogger();
  const actions = new ActionCodec(new MemoryActionStore());
  const dispatcher = new Dispatcher({ search, clock, log, actions, status: { startedAt: clock.now(), version: '0.0.0-test', sources: [] } });
  const where = () => ({
    actor: { platform: 'test', userId: 'U1', displayName: 'Ada', canManageChannel: options.canManageChannel ?? true },
    channel: { platform: 'test', channelId: 'C1' },
    receivedAt: clock.now(),
  });
  return {
    search,
    clock,
    log,
    dispatcher,
    exec: (line: string): Promise<CommandResult> => dispatcher.dispatchLine(line, where()),
    press: (actionId: string): Promise<CommandResult> => dispatcher.pressButton(actionId, where()),
  };
}

/** Every button of a message, in order. */
export function buttonsOf(message: OutgoingMessage): Button[] {
  return message.blocks.flatMap((block) => (block.kind === 'actions' ? block.buttons : []));
}

/** The headings of a message (paper titles on cards). */
export function headingsOf(message: OutgoingMessage): string[] {
  return message.blocks.flatMap((block) => (block.kind === 'heading' ? [block.text] : []));
}

/** All visible text of a message, one block per line (for `toContain` checks). */
export function textOf(message: OutgoingMessage): string {
  const line = (block: Block): string => {
    switch (block.kind) {
      case 'heading': return block.text;
      case 'text': case 'context': return plainText(block.text);
      case 'fields': return block.fields.map((f) => `${f.label}: ${plainText(f.value)}`).join('\n');
      case 'list': return block.items.map((item) => plainText(item)).join('\n');
      case 'image': return block.alt;
      case 'actions': return block.buttons.map((b) => `[${b.label}]`).join(' ');
      case 'divider': return '---';
    }
  };
  return message.blocks.map(line).join('\n');
}
