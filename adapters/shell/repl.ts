/*
 * The terminal adapter: a readline prompt that runs commands through the dispatcher, prints replies as
 * text (colored on a TTY), offers buttons as numbered choices, keeps a history file, and leaves cleanly
 * on Ctrl-C, Ctrl-D or `quit`.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import type { Clock } from '../../src/clock.ts';
import type { OutgoingMessage } from '../../src/chat/message.ts';
import type { ChatPlatform } from '../../src/chat/platform.port.ts';
import type { ActorRef, ChannelRef, ThreadRef } from '../../src/chat/refs.ts';
import type { BotInbound } from '../../commands/framework/inbound.ts';
import type { CommandResult } from '../../commands/framework/command-spec.ts';
import { singleLine, truncate } from '../../src/chat/text.ts';
import { THINKING_AFTER_MS } from '../../src/chat/thinking-reply.ts';
import { withinDeadline } from '../../src/util/deadline.ts';
import { thinkingMessage } from '../../commands/presenters/discussion.ts';
import { createShellPlatform } from './platform.ts';
import { renderMessage, sanitizeForTerminal, type ShellChoice } from './render.ts';

/** What the terminal adapter needs. */
export interface ShellAdapterConfig {
  inbound: BotInbound;
  clock: Clock;
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  /** Whether input and output are an interactive terminal (prompt, colors, line editing). */
  interactive: boolean;
  color: boolean;
  width: number;
  /** Where typed lines are remembered between sessions; none when undefined. */
  historyFile?: string;
  actor: ActorRef;
  channel: ChannelRef;
  /** First lines printed, e.g. what the bot serves. */
  banner: string;
  /** How long an answer in a thread may take before a "thinking" line is printed (default `THINKING_AFTER_MS`). */
  thinkingAfterMs?: number;
}

/** A running terminal adapter. */
export interface ShellAdapter {
  /** Its ChatPlatform, for posts the bot makes on its own. */
  platform: ChatPlatform;
  /** Resolves when the person leaves (or input ends) and every typed line has been answered. */
  closed: Promise<void>;
  close(): void;
}

const PROMPT = 'papers> ';
/** Leaves a thread without running anything. */
const LEAVE_WORDS = new Set(['/leave', '/back', '/exit']);
const MENTION = /^\s*@paperboy\b/i;
/** `ask …`, `/ask …` or `/papers ask …` inside a thread. */
const ASK = /^\/?(papers\s+)?ask\b/i;
const QUIT_WORDS = new Set(['quit', 'exit', ':q', '\\q']);
const HISTORY_SIZE = 500;

function readHistory(path: string | undefined): string[] {
  if (!path) return [];
  try {
    return readFileSync(path, 'utf8').split('\n').filter((line) => line.trim() !== '').slice(0, HISTORY_SIZE);
  } catch {
    return [];
  }
}

/** Starts the prompt. */
export function createShellAdapter(config: ShellAdapterConfig): ShellAdapter {
  const { inbound, output } = config;
  let thread: { ref: ThreadRef; title: string } | undefined;
  const rl: Interface = createInterface({
    input: config.input,
    output,
    terminal: config.interactive,
    history: readHistory(config.historyFile),
    historySize: HISTORY_SIZE,
    removeHistoryDuplicates: true,
    prompt: PROMPT,
  });
  let buttons: ShellChoice[] = [];
  let queue: Promise<void> = Promise.resolve();

  const write = (text: string): void => {
    output.write(`${text}\n`);
  };
  const show = (message: OutgoingMessage): void => {
    const rendered = renderMessage(message, { color: config.color, width: config.width });
    buttons = rendered.buttons;
    write(rendered.text);
  };
  let closing = false;
  const prompt = (): void => {
    // After quit, Ctrl-D or Ctrl-C no prompt: prompting again would resume the terminal and keep the process alive.
    if (config.interactive && !closing) rl.prompt();
  };

  const platform = createShellPlatform((message, where) => {
    write(`\n── posted to ${sanitizeForTerminal(where)} ──`);
    show(message);
    prompt();
  });

  const where = () => ({ actor: config.actor, channel: config.channel, receivedAt: config.clock.now() });

  const enter = (next: { ref: ThreadRef; title: string } | undefined): void => {
    thread = next;
    if (next) write(`(You are in the thread of "${sanitizeForTerminal(next.title)}": type to reply, @paperboy <question> (or ask <question>) to ask, /leave to go back.)`);
    rl.setPrompt(next ? `papers › ${sanitizeForTerminal(truncate(singleLine(next.title), 40))}> ` : PROMPT);
  };

  /** Shows an answer; one that takes a while is announced first, as the chat platforms do. */
  const showWhenReady = async (work: Promise<OutgoingMessage | undefined>): Promise<void> => {
    const quick = await withinDeadline(work.then((message) => ({ message })), config.thinkingAfterMs ?? THINKING_AFTER_MS);
    if (!quick) show(thinkingMessage());
    const message = quick ? quick.message : await work;
    if (message) show(message);
  };

  const showResult = (result: CommandResult): void => {
    show(result.reply);
    if (result.thread) enter(result.thread);
  };

  async function inThread(current: { ref: ThreadRef; title: string }, text: string): Promise<void> {
    if (LEAVE_WORDS.has(text.toLowerCase())) {
      enter(undefined);
      return;
    }
    if (ASK.test(text)) {
      // A question by command (`ask …`, with or without the slash) stays in the thread and is asked about its paper.
      await showWhenReady(inbound.command(text.replace(/^\//, ''), { ...where(), thread: current.ref }).then((result) => result.reply));
      return;
    }
    if (text.startsWith('/')) {
      enter(undefined);
      await command(text.replace(/^\/(?!papers\b)/i, ''));
      return;
    }
    const answer = inbound.threadMessage({
      thread: current.ref,
      actor: config.actor,
      text,
      at: config.clock.now(),
      addressedToBot: MENTION.test(text),
    });
    if (MENTION.test(text)) await showWhenReady(answer);
    else {
      const reply = await answer;
      if (reply) show(reply);
    }
  }

  async function command(text: string): Promise<void> {
    if (/^\d+$/.test(text)) {
      const choice = buttons.find((b) => b.number === Number(text));
      if (!choice) {
        write(buttons.length > 0 ? `There is no button ${text}; pick 1–${buttons.length}.` : 'There are no buttons to pick right now.');
        return;
      }
      showResult(await inbound.press(choice.actionId, where()));
      return;
    }
    showResult(await inbound.command(text, where()));
  }

  async function handle(line: string): Promise<void> {
    const text = line.trim();
    if (text === '') return;
    if (QUIT_WORDS.has(text.toLowerCase())) {
      rl.close();
      return;
    }
    if (thread) await inThread(thread, text);
    else await command(text);
  }

  rl.on('line', (line) => {
    queue = queue.then(() => handle(line)).then(prompt, (error: unknown) => {
      write(`Something went wrong: ${String(error)}`);
      prompt();
    });
  });
  rl.on('history', (history: string[]) => {
    if (!config.historyFile) return;
    try {
      mkdirSync(dirname(config.historyFile), { recursive: true });
      writeFileSync(config.historyFile, `${history.join('\n')}\n`);
    } catch {
      // A read-only data directory must not stop the session; history is a convenience.
    }
  });
  rl.on('SIGINT', () => {
    // Ctrl-C clears a half-typed line; on an empty line it leaves.
    if (rl.line.length > 0) {
      rl.write(null, { ctrl: true, name: 'u' });
      return;
    }
    rl.close();
  });

  const closed = new Promise<void>((resolve) => {
    rl.on('close', () => {
      closing = true;
      void queue.then(() => {
        if (config.interactive) write('');
        resolve();
      });
    });
  });

  write(config.banner);
  prompt();
  return { platform, closed, close: () => rl.close() };
}
