/*
 * The contract every ChatPlatform keeps, as one suite run against each implementation over its fake (the real
 * Slack and Discord platforms against the fake servers, the terminal's printer, and the FakePlatform other
 * tests use): posts land in the channel, replies in the thread, updates replace, an idempotency key is honoured
 * where the platform deduplicates, failures come back as the core's three errors, and a message of any size
 * fits the platform's limits.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseMention } from '../../src/chat/mentions.ts';
import type { Block, OutgoingMessage } from '../../src/chat/message.ts';
import type { ChatPlatform } from '../../src/chat/platform.port.ts';
import { decodeRef, encodeRef, type ChannelRef, type ThreadRef } from '../../src/chat/refs.ts';
import { ChannelGoneError, RateLimitedError, TransientPlatformError } from '../../src/delivery/platform-errors.ts';

/** A failure the platform's fake can be told to answer the next post with. */
export type ScriptedPostFailure = 'rate-limited' | 'server-error' | 'channel-gone';

/** One platform over its fake, as the suite drives it. */
export interface PlatformHarness {
  platform: ChatPlatform;
  /** A channel the bot may post to. */
  channel: ChannelRef;
  /** Everything the platform shows in the channel (not its threads) or in a thread, oldest first, one string per message. */
  seen(where: ChannelRef | ThreadRef): Promise<string[]>;
  /** Makes the next post fail like this; absent where posting cannot fail (the terminal). */
  failNextPost?(failure: ScriptedPostFailure): void;
  /** Whether a second post with the same idempotency key is recognised and not made again. */
  dedupes: boolean;
  /** What the platform refused for breaking its limits (the fakes check them); empty when all was accepted. */
  limitViolations(): string[];
  close(): Promise<void>;
}

function message(text: string, blocks: Block[] = [{ kind: 'text', text: [text] }]): OutgoingMessage {
  return { fallbackText: text, blocks, visibility: 'channel' };
}

/** A message far over every platform's limits: long text, many blocks and fields, long lines and buttons. */
function oversized(token: string): OutgoingMessage {
  const paragraph = `${token} ${'transport maps regularize the monge gap '.repeat(120)}`;
  const blocks: Block[] = [];
  for (let i = 0; i < 30; i++) {
    blocks.push({ kind: 'heading', text: `${token} heading ${i} ${'long title words '.repeat(30)}`, url: 'https://arxiv.org/abs/2501.12948' });
    blocks.push({ kind: 'text', text: [paragraph] });
    blocks.push({ kind: 'fields', fields: Array.from({ length: 12 }, (_, f) => ({ label: `field ${f} ${'label '.repeat(40)}`, value: [paragraph.slice(0, 1500)] })) });
    blocks.push({ kind: 'actions', buttons: Array.from({ length: 9 }, (_, b) => ({ actionId: `r:show ${i}-${b}`, label: `button ${b} ${'label '.repeat(30)}` })) });
  }
  return message(`${token} ${paragraph}`, blocks);
}

/** Runs the ChatPlatform contract against the platform `start` sets up (a fresh one per test). */
export function chatPlatformContract(name: string, start: () => Promise<PlatformHarness>): void {
  describe(`${name} keeps the ChatPlatform contract`, () => {
    let h: PlatformHarness;
    beforeEach(async () => { h = await start(); });
    afterEach(async () => { await h.close(); });

    it('declares what it can do: threads, and mention ids that can never ping a whole channel', () => {
      expect(h.platform.capabilities.threads).toBe(true);
      for (const text of ['@everyone', 'user:everyone', 'role:here', '@channel']) expect(parseMention(text, h.platform.capabilities.mentions)).toHaveProperty('problem');
    });

    it('posts in the channel and says where the post is, as a ref that survives encoding', async () => {
      const posted = await h.platform.post(h.channel, message('contract-post-1'));
      expect(posted).toMatchObject({ platform: h.platform.name, channelId: h.channel.channelId });
      expect(posted.messageId).not.toBe('');
      expect(decodeRef(encodeRef(h.channel))).toEqual(h.channel);
      const seen = await h.seen(h.channel);
      expect(seen.filter((m) => m.includes('contract-post-1'))).toHaveLength(1);
    });

    it('opens a thread on a post and replies land in it, not in the channel', async () => {
      const card = await h.platform.post(h.channel, message('contract-card'));
      const thread = await h.platform.startThread(card, 'contract thread: a paper title');
      expect(decodeRef(encodeRef(thread))).toEqual(thread);
      await h.platform.reply(thread, message('contract-reply-1'));
      await h.platform.reply(thread, message('contract-reply-2'));
      const inThread = await h.seen(thread);
      expect(inThread.filter((m) => /contract-reply-[12]/.test(m))).toHaveLength(2);
      expect(inThread.findIndex((m) => m.includes('contract-reply-1'))).toBeLessThan(inThread.findIndex((m) => m.includes('contract-reply-2')));
      expect((await h.seen(h.channel)).some((m) => m.includes('contract-reply'))).toBe(false);
    });

    it('replaces a post it made, where it can edit', async () => {
      if (!h.platform.update) return;
      const posted = await h.platform.post(h.channel, message('contract-thinking'));
      await h.platform.update(posted, message('contract-answer'));
      const seen = await h.seen(h.channel);
      expect(seen.some((m) => m.includes('contract-answer'))).toBe(true);
      expect(seen.some((m) => m.includes('contract-thinking'))).toBe(false);
    });

    it('takes an idempotency key, and makes a post once for it where the platform deduplicates', async () => {
      const first = await h.platform.post(h.channel, message('contract-once'), { idempotencyKey: 'daily:contract:2025-01-24' });
      const again = await h.platform.post(h.channel, message('contract-once'), { idempotencyKey: 'daily:contract:2025-01-24' });
      const made = (await h.seen(h.channel)).filter((m) => m.includes('contract-once'));
      if (h.dedupes) {
        expect(made).toHaveLength(1);
        expect(again.messageId).toBe(first.messageId);
      } else {
        expect(made).toHaveLength(2);
      }
    });

    it('answers a failed post with the core’s errors: rate limited (or waited out), transient, channel gone', async () => {
      if (!h.failNextPost) return;
      h.failNextPost('rate-limited');
      // A 429 is either waited out by the SDK (the post is then made once) or handed back with its wait.
      const limited = await h.platform.post(h.channel, message('contract-limited')).then(() => undefined, (error: unknown) => error);
      if (limited === undefined) expect((await h.seen(h.channel)).filter((m) => m.includes('contract-limited'))).toHaveLength(1);
      else expect(limited).toBeInstanceOf(RateLimitedError);
      h.failNextPost('server-error');
      await expect(h.platform.post(h.channel, message('contract-5xx'))).rejects.toBeInstanceOf(TransientPlatformError);
      h.failNextPost('channel-gone');
      const gone = await h.platform.post(h.channel, message('contract-gone')).then(() => undefined, (error: unknown) => error);
      expect(gone).toBeInstanceOf(ChannelGoneError);
      expect((gone as ChannelGoneError).reason).not.toBe('');
      expect((await h.seen(h.channel)).some((m) => m.includes('contract-5xx') || m.includes('contract-gone'))).toBe(false);
    });

    it('fits a message far over its limits into what it accepts, losing the start of nothing', async () => {
      await h.platform.post(h.channel, oversized('contract-big'));
      const thread = await h.platform.startThread(await h.platform.post(h.channel, message('contract-big-card')), `${'a very long paper title '.repeat(20)}`);
      await h.platform.reply(thread, oversized('contract-big-reply'));
      expect(h.limitViolations()).toEqual([]);
      const seen = (await h.seen(h.channel)).join('\n');
      expect(seen).toContain('contract-big heading 0');
      expect((await h.seen(thread)).join('\n')).toContain('contract-big-reply heading 0');
    });
  });
}
