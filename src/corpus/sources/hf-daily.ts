import { z } from 'zod';
import type { ParseContext, ParseOutcome } from '../paper.ts';
import { MalformedResponseError } from './errors.ts';
import { OutcomeCollector } from './outcome.ts';
import { collectHfPaper, describeIssues, HfDailyItemSchema } from './hf-schema.ts';

/** Just enough of an item to name it in a rejection when the item itself is invalid. */
const ItemIdSchema = z.object({ paper: z.object({ id: z.string() }) });

/**
 * Parses a `GET /api/daily_papers` body (a JSON array, already `JSON.parse`d). Each item is validated on
 * its own: an invalid or withdrawn item is skipped, logged and listed in `rejected`; the rest survive.
 * Upvotes, comments and GitHub stars land in `signals`, stamped with `ctx.observedAt`.
 * Throws {@link MalformedResponseError} if the body is not an array.
 */
export function parseHfDailyPapers(body: unknown, ctx: ParseContext): ParseOutcome {
  if (!Array.isArray(body)) {
    throw new MalformedResponseError(`Daily Papers: expected a JSON array, got ${body === null ? 'null' : typeof body}`);
  }
  const collector = new OutcomeCollector('hf-daily', ctx.log);
  body.forEach((raw: unknown, index) => {
    const item = HfDailyItemSchema.safeParse(raw);
    if (!item.success) {
      collector.reject({ index, id: ItemIdSchema.safeParse(raw).data?.paper.id }, describeIssues(item.error));
      return;
    }
    collectHfPaper(collector, { index }, item.data.paper, ctx.observedAt, item.data.numComments);
  });
  return collector.outcome();
}
