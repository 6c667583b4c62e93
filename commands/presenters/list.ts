/*
 * A titled list of papers (search results, related papers, trending) to one neutral message: a header
 * line, compact cards separated by dividers, and the list's own buttons (More).
 */
import type { Block, Button, OutgoingMessage } from '../../src/chat/message.ts';
import { compactCard, paperFallback, type PaperView } from './paper.ts';

/** A list of papers to present. */
export interface PaperList {
  /** The header line: `5 of 42 papers for "diffusion"`. */
  title: string;
  views: PaperView[];
  /** A note under the header (e.g. words that matched nothing). */
  note?: string;
  /** Buttons for the whole list, e.g. More. */
  buttons?: Button[];
}

/** `1–5 of 42 papers`, or `1 paper` when there is only one. */
export function rangeLabel(offset: number, shown: number, total: number): string {
  if (total === 1) return '1 paper';
  return `${offset + 1}–${offset + shown} of ${total} papers`;
}

/** The message for a list of papers. */
export function paperListMessage(list: PaperList): OutgoingMessage {
  const blocks: Block[] = [{ kind: 'text', text: [{ text: list.title, style: 'bold' }] }];
  if (list.note) blocks.push({ kind: 'context', text: [list.note] });
  list.views.forEach((view, i) => {
    if (i > 0) blocks.push({ kind: 'divider' });
    blocks.push(...compactCard(view));
  });
  if (list.buttons && list.buttons.length > 0) blocks.push({ kind: 'actions', buttons: list.buttons });
  const lines = list.views.map((view, i) => `${i + 1}. ${paperFallback(view.paper)}`);
  return { fallbackText: [list.title, ...lines].join('\n'), blocks, visibility: 'channel' };
}
