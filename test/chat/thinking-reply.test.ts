import { describe, expect, it } from 'vitest';
import { textMessage } from '../../src/chat/message.ts';
import { replyWhenReady, type ThreadPoster } from '../../src/chat/thinking-reply.ts';
import { ManualClock } from '../../src/clock.ts';
import { FakePlatform } from '../fakes/fake-platform.ts';

const thread = { platform: 'test', channelId: 'C1', threadId: 't1' };
const thinking = textMessage('Reading the paper…');
const answer = textMessage('The answer.');

/** Posts straight to the fake platform (the bot posts through its delivery records, which end there too). */
function poster(platform: FakePlatform): ThreadPoster {
  return {
    post: (message) => platform.reply(thread, message),
    ...(platform.update ? { edit: (posted, message) => platform.update(posted, message) } : {}),
  };
}

/** A promise settled by the test, and a way to see that the reply is waiting on it. */
function later<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => { resolve = r; });
  return { promise, resolve };
}

describe('replyWhenReady', () => {
  it('posts a quick answer as it is, with no thinking message', async () => {
    const platform = new FakePlatform(new ManualClock());
    await replyWhenReady(poster(platform), Promise.resolve(answer), { thinking, thinkingAfterMs: 1000 });
    expect(platform.posts.map((p) => p.message)).toEqual([answer]);
  });

  it('posts the thinking message when the answer is slow, then replaces it', async () => {
    const platform = new FakePlatform(new ManualClock());
    const slow = later<typeof answer>();
    const done = replyWhenReady(poster(platform), slow.promise, { thinking, thinkingAfterMs: 10 });
    await expect.poll(() => platform.posts.length).toBe(1);
    expect(platform.posts[0]!.message).toEqual(thinking);
    slow.resolve(answer);
    const posted = await done;
    expect(platform.posts).toHaveLength(1);
    expect(platform.posts[0]).toMatchObject({ message: answer, edits: 1, threadId: 't1' });
    expect(posted?.messageId).toBe(platform.posts[0]!.id);
  });

  it('posts the answer after the thinking message where it cannot be edited', async () => {
    const platform = new FakePlatform(new ManualClock());
    // A platform that cannot edit has no update.
    Object.defineProperty(platform, 'update', { value: undefined });
    const slow = later<typeof answer>();
    const done = replyWhenReady(poster(platform), slow.promise, { thinking, thinkingAfterMs: 10 });
    await expect.poll(() => platform.posts.length).toBe(1);
    slow.resolve(answer);
    await done;
    expect(platform.posts.map((p) => [p.message, p.edits])).toEqual([[thinking, 0], [answer, 0]]);
  });

  it('still gets the answer through when the edit fails', async () => {
    const platform = new FakePlatform(new ManualClock());
    const slow = later<typeof answer>();
    const done = replyWhenReady(poster(platform), slow.promise, { thinking, thinkingAfterMs: 10 });
    await expect.poll(() => platform.posts.length).toBe(1);
    platform.failNext('C1', new Error('message deleted'));
    slow.resolve(answer);
    await done;
    expect(platform.posts.map((p) => p.message)).toEqual([thinking, answer]);
  });

  it('posts nothing when there is nothing to answer', async () => {
    const platform = new FakePlatform(new ManualClock());
    expect(await replyWhenReady(poster(platform), Promise.resolve(undefined), { thinking, thinkingAfterMs: 1000 })).toBeUndefined();
    expect(platform.posts).toEqual([]);
  });
});
