/*
 * Answers and summaries written by a language model from retrieved passages only. The model is given the
 * paper's title, the numbered passages (each with the label it must cite: `[§3]`, `[abstract]`) and the
 * question, nothing else. Each channel has a daily token budget, kept in the database; every call's token
 * use is logged. Any failure is reported, never thrown, so the caller falls back to the extractive answer.
 */
import type { Clock } from '../clock.ts';
import type { CitedPassage } from '../discussions/answer.ts';
import type { Logger } from '../logger.ts';
import type { ModelUsageStore } from '../store/model-usage-store.port.ts';
import { ChatCompletionError, estimateTokens, type ChatCompletionsClient, type ChatMessage } from './chat-completions.ts';

/** Longest answer the model may write, in tokens. */
export const ANSWER_MAX_TOKENS = 350;
/** Longest summary the model may write, in tokens. */
export const SUMMARY_MAX_TOKENS = 300;

/** What became of a request to the model. */
export type WriterOutcome =
  | { status: 'written'; text: string; model: string }
  /** No answer within the timeout; the model's server failed or answered nonsense; it declined. */
  | { status: 'timeout' | 'error' | 'refused' }
  /** The channel's tokens for today are spent. */
  | { status: 'capped'; limit: number }
  /** Nothing was retrieved to write from. */
  | { status: 'no-passages' };

/** What {@link PaperWriter} needs. */
export interface PaperWriterOptions {
  client: ChatCompletionsClient;
  usage: ModelUsageStore;
  clock: Clock;
  log: Logger;
  /** Tokens (prompt and answer) a channel may spend per UTC day. */
  dailyTokensPerChannel: number;
}

const ANSWER_SYSTEM =
  'You answer questions about one research paper in a team chat. The numbered passages the user gives are ' +
  'everything you know about the paper: use nothing else. Cite every claim with the label of the passage it ' +
  'comes from in square brackets, like [§3.1] or [abstract]. If the passages do not answer the question, say ' +
  'in one sentence that the paper does not say. At most three sentences, plain text, no markdown.';

const SUMMARY_SYSTEM =
  'You write the TL;DR of one research paper for a team chat. The numbered passages the user gives are ' +
  'everything you know about the paper: use nothing else. In at most three sentences say what the paper ' +
  'does, its main result, and its main limitation if a passage states one. Cite each sentence with the label ' +
  'of its passage in square brackets, like [§5] or [abstract]. Plain text, no markdown.';

/** The passages as the model sees them: `[abstract] …`, one per paragraph. */
function passageBlock(passages: readonly CitedPassage[]): string {
  return passages.map((p) => `[${p.cite}] ${p.text}`).join('\n\n');
}

/** The conversation for an answer: the title, the passages and the question, nothing else. */
export function answerPrompt(title: string, question: string, passages: readonly CitedPassage[]): ChatMessage[] {
  return [
    { role: 'system', content: ANSWER_SYSTEM },
    { role: 'user', content: `Paper: "${title}"\n\nPassages:\n${passageBlock(passages)}\n\nQuestion: ${question}` },
  ];
}

/** The conversation for a summary: the title and the passages. */
export function summaryPrompt(title: string, passages: readonly CitedPassage[]): ChatMessage[] {
  return [
    { role: 'system', content: SUMMARY_SYSTEM },
    { role: 'user', content: `Paper: "${title}"\n\nPassages:\n${passageBlock(passages)}` },
  ];
}

/** Writes answers and summaries with the configured model, within each channel's daily budget. */
export class PaperWriter {
  constructor(private readonly options: PaperWriterOptions) {}

  /** The model's name. */
  get model(): string {
    return this.options.client.model;
  }

  /** An answer to `question` from `passages` (which the answer cites). */
  answer(request: { channel: string; title: string; question: string; passages: readonly CitedPassage[] }): Promise<WriterOutcome> {
    if (request.passages.length === 0) return Promise.resolve({ status: 'no-passages' });
    return this.write(request.channel, answerPrompt(request.title, request.question, request.passages), ANSWER_MAX_TOKENS, 'answer');
  }

  /** A TL;DR from `passages`. */
  summarize(request: { channel: string; title: string; passages: readonly CitedPassage[] }): Promise<WriterOutcome> {
    if (request.passages.length === 0) return Promise.resolve({ status: 'no-passages' });
    return this.write(request.channel, summaryPrompt(request.title, request.passages), SUMMARY_MAX_TOKENS, 'summary');
  }

  private async write(channel: string, messages: ChatMessage[], maxTokens: number, kind: string): Promise<WriterOutcome> {
    const { usage, clock, log, dailyTokensPerChannel: limit } = this.options;
    const day = clock.now().toISOString().slice(0, 10);
    const used = await usage.used(channel, day);
    const estimate = estimateTokens(messages.map((m) => m.content).join('\n')) + maxTokens;
    if (used + estimate > limit) {
      log.info({ channel, day, used, estimate, limit }, 'language model skipped: the channel reached its daily token limit');
      return { status: 'capped', limit };
    }
    try {
      const completion = await this.options.client.complete(messages, maxTokens);
      const total = await usage.add(channel, day, completion.usage.totalTokens);
      log.info(
        { channel, kind, model: this.model, ...completion.usage, usedToday: total, limit, refused: completion.refused },
        'language model tokens',
      );
      return completion.refused ? { status: 'refused' } : { status: 'written', text: completion.text, model: this.model };
    } catch (error) {
      const reason = error instanceof ChatCompletionError ? error.reason : 'error';
      log.warn({ channel, kind, model: this.model, reason, error: error instanceof Error ? error.message : String(error) }, 'language model failed; answering extractively');
      return { status: reason };
    }
  }
}
