import { z } from 'zod';
import type { ParseContext, ParseOutcome } from '../paper.ts';
import { MalformedResponseError } from './errors.ts';
import { OutcomeCollector } from './outcome.ts';
import { collectHfPaper, describeIssues, HfPaperCoreSchema } from './hf-schema.ts';

/** Just enough of the body to name it in a rejection when it is invalid. */
const BodyIdSchema = z.object({ id: z.string() });

/**
 * Parses a `GET /api/papers/{id}` body (one flat paper object, already `JSON.parse`d) into at most one
 * paper. The detail has no comment count, so `signals.comments` stays unset. An invalid or withdrawn
 * paper is rejected and logged (0 papers). Throws {@link MalformedResponseError} if the body is not an
 * object. Linked models, datasets and Spaces are not read: a paper has no place for them.
 */
export function parseHfPaperDetail(body: unknown, ctx: ParseContext): ParseOutcome {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    const got = Array.isArray(body) ? 'an array' : body === null ? 'null' : typeof body;
    throw new MalformedResponseError(`paper detail: expected a JSON object, got ${got}`);
  }
  const collector = new OutcomeCollector('hf-paper', ctx.log);
  const paper = HfPaperCoreSchema.safeParse(body);
  if (paper.success) collectHfPaper(collector, {}, paper.data, ctx.observedAt);
  else collector.reject({ id: BodyIdSchema.safeParse(body).data?.id }, describeIssues(paper.error));
  return collector.outcome();
}
