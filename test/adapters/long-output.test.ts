import { describe, expect, it } from 'vitest';
import { renderDiscordMessages } from '../../adapters/discord/render.ts';
import { fitReply, MAX_REPLY_MESSAGES } from '../../adapters/long-output.ts';
import { renderSlackMessages } from '../../adapters/slack/render.ts';
import type { OutgoingMessage } from '../../src/chat/message.ts';

const citation = Array.from({ length: 3000 }, (_, i) => `Author Number${i} Surname${i}`).join(' and ');
const long = (visibility: OutgoingMessage['visibility'], fileName?: string): OutgoingMessage => ({
  fallbackText: `@misc{x,\n  author = {${citation}}\n}`,
  blocks: [{ kind: 'context', text: ['BibTeX for A Collaboration of Thousands'] }, { kind: 'text', text: [{ text: `@misc{x, author = {${citation}}}`, style: 'code' }] }],
  visibility,
  ...(fileName ? { fileName } : {}),
});
const renderers = { slack: renderSlackMessages, discord: renderDiscordMessages } as const;

describe('long replies never flood a channel', () => {
  for (const [platform, render] of Object.entries(renderers)) {
    it(`${platform}: a reply that needs many messages becomes one message and a file of the whole text`, () => {
      expect(render(long('channel')).length).toBeGreaterThan(MAX_REPLY_MESSAGES);
      const fitted = fitReply(long('channel', 'collaboration.bib'), render as (m: OutgoingMessage) => unknown[], true);
      expect(fitted.parts).toHaveLength(1);
      expect(fitted.file).toEqual({ name: 'collaboration.bib', text: long('channel').fallbackText });
      expect(JSON.stringify(fitted.parts[0])).toContain('attached as collaboration.bib');
    });

    it(`${platform}: where nothing can be attached, it is cut to its first message and a note`, () => {
      const fitted = fitReply(long('user'), render as (m: OutgoingMessage) => unknown[], false);
      expect(fitted.file).toBeUndefined();
      expect(fitted.parts).toHaveLength(2);
      expect(fitted.parts[0]).toEqual(render(long('user'))[0]);
      expect(JSON.stringify(fitted.parts[1])).toMatch(/cut here: the whole text is [\d,]+ characters/);
    });
  }

  it('leaves a reply of two messages or fewer alone, and names a file after the lead line when the message does not', () => {
    const short: OutgoingMessage = { fallbackText: 'hi', blocks: [{ kind: 'text', text: ['hi'] }], visibility: 'channel' };
    expect(fitReply(short, renderSlackMessages, true)).toEqual({ parts: renderSlackMessages(short) });
    expect(fitReply(long('channel'), renderSlackMessages, true).file?.name).toBe('bibtex-for-a-collaboration-of-thousands.txt');
  });
});
