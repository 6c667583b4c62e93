/*
 * A client of an OpenAI-compatible chat-completions endpoint (OpenAI, a local Ollama or vLLM server):
 * `POST <base>/chat/completions` with a bearer key, one request per call, no retries (the caller falls
 * back to the extractive answer instead of making a person wait twice).
 */
import { z } from 'zod';

/** One message of the conversation sent to the model. */
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** What the model answered, and what it cost. */
export interface ChatCompletion {
  text: string;
  /** The model declined (a refusal, or its output was filtered). */
  refused: boolean;
  /** Tokens as the server counted them; estimated from the text when it did not say. */
  usage: { promptTokens: number; completionTokens: number; totalTokens: number };
}

/** Why a completion failed. */
export class ChatCompletionError extends Error {
  override readonly name = 'ChatCompletionError';
  constructor(
    readonly reason: 'timeout' | 'error',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** How to reach the model. */
export interface ChatCompletionsOptions {
  /** `https://api.openai.com/v1`, `http://127.0.0.1:11434/v1` (Ollama). */
  baseUrl: string;
  /** Sent as `Authorization: Bearer …`; never logged. */
  apiKey: string;
  model: string;
  timeoutMs: number;
  /** The fetch implementation; the global one by default. */
  fetch?: typeof fetch;
}

const ResponseSchema = z.object({
  choices: z
    .array(
      z.object({
        message: z.object({ content: z.string().nullish(), refusal: z.string().nullish() }).optional(),
        finish_reason: z.string().nullish(),
      }),
    )
    .min(1),
  usage: z
    .object({ prompt_tokens: z.number().nonnegative(), completion_tokens: z.number().nonnegative(), total_tokens: z.number().nonnegative() })
    .partial()
    .nullish(),
});

/** About four characters per token: the estimate used when the server reports no usage, and for the cap. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/** The chat-completions client. */
export class ChatCompletionsClient {
  private readonly fetch: typeof fetch;

  constructor(private readonly options: ChatCompletionsOptions) {
    this.fetch = options.fetch ?? globalThis.fetch;
  }

  /** The model's name, for saying who wrote an answer. */
  get model(): string {
    return this.options.model;
  }

  /**
   * Sends the conversation and returns the first choice. Throws {@link ChatCompletionError}: `timeout`
   * after `timeoutMs`, `error` for a refused connection, a non-2xx status or a response that is not a
   * chat completion (the message says which, never with the key).
   */
  async complete(messages: readonly ChatMessage[], maxTokens: number): Promise<ChatCompletion> {
    const url = `${this.options.baseUrl.replace(/\/+$/, '')}/chat/completions`;
    let response: Response;
    let body: string;
    try {
      response = await this.fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${this.options.apiKey}` },
        body: JSON.stringify({ model: this.options.model, messages, temperature: 0, max_tokens: maxTokens }),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      body = await response.text();
    } catch (error) {
      const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
      if (timedOut) throw new ChatCompletionError('timeout', `no answer within ${this.options.timeoutMs} ms`, { cause: error });
      throw new ChatCompletionError('error', `could not reach the model: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    if (!response.ok) throw new ChatCompletionError('error', `the model's server answered HTTP ${response.status}`);
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      throw new ChatCompletionError('error', "the model's server answered something that is not JSON");
    }
    const parsed = ResponseSchema.safeParse(json);
    if (!parsed.success) throw new ChatCompletionError('error', "the model's server answered something that is not a chat completion");
    const [choice] = parsed.data.choices;
    const text = choice?.message?.content?.trim() ?? '';
    const refused = Boolean(choice?.message?.refusal) || choice?.finish_reason === 'content_filter' || text === '';
    const promptTokens = parsed.data.usage?.prompt_tokens ?? estimateTokens(messages.map((m) => m.content).join('\n'));
    const completionTokens = parsed.data.usage?.completion_tokens ?? estimateTokens(text);
    return {
      text,
      refused,
      usage: { promptTokens, completionTokens, totalTokens: parsed.data.usage?.total_tokens ?? promptTokens + completionTokens },
    };
  }
}
