/*
 * A fake OpenAI-compatible chat-completions server on 127.0.0.1 (`POST /v1/chat/completions`), for the
 * language-model path: it records every request (headers and JSON body), answers with scripted replies in
 * order (an answer with its token usage, an HTTP error, a refusal), and can hold replies to test timeouts.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { listenOnLoopback } from './loopback.ts';

/** A request the fake received. */
export interface ChatRequest {
  headers: IncomingHttpHeaders;
  body: { model: string; messages: { role: string; content: string }[]; max_tokens?: number; temperature?: number };
}

/** One scripted reply: a completion, a refusal, or an HTTP error status. */
export type ChatReply =
  | { content: string; totalTokens?: number; promptTokens?: number }
  | { refusal: string }
  | { status: number };

/** The fake server. */
export class FakeOpenAi {
  readonly requests: ChatRequest[] = [];
  private readonly replies: ChatReply[] = [];
  private holding = false;
  private readonly waiting = new Set<() => void>();
  private readonly server: Server;
  private port = 0;

  constructor() {
    this.server = createServer((req, res) => {
      let raw = '';
      req.on('data', (chunk: Buffer) => { raw += chunk.toString(); });
      req.on('end', () => {
        if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
          res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'not found' } }));
          return;
        }
        const body = JSON.parse(raw) as ChatRequest['body'];
        this.requests.push({ headers: req.headers, body });
        const answer = (): void => {
          if (res.destroyed) return;
          const reply = this.replies.shift() ?? { content: 'The paper does not say [abstract].' };
          if ('status' in reply) {
            res.writeHead(reply.status, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'scripted failure' } }));
            return;
          }
          const message = 'refusal' in reply ? { role: 'assistant', content: null, refusal: reply.refusal } : { role: 'assistant', content: reply.content };
          const prompt = 'content' in reply ? (reply.promptTokens ?? 100) : 100;
          const total = 'content' in reply ? (reply.totalTokens ?? prompt + 20) : 100;
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({
            id: `chatcmpl-${this.requests.length}`, object: 'chat.completion', model: body.model,
            choices: [{ index: 0, message, finish_reason: 'stop' }],
            usage: { prompt_tokens: prompt, completion_tokens: total - prompt, total_tokens: total },
          }));
        };
        if (this.holding) this.waiting.add(answer);
        else answer();
      });
    });
  }

  /** `http://127.0.0.1:<port>/v1`; valid after {@link start}. */
  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}/v1`;
  }

  async start(): Promise<this> {
    this.port = await listenOnLoopback(this.server);
    return this;
  }

  /** Queues replies, used one per request in order (then a default answer). */
  reply(...replies: ChatReply[]): void {
    this.replies.push(...replies);
  }

  /** Holds every reply until {@link release} (or forever: a model that never answers). */
  hold(): void {
    this.holding = true;
  }

  /** Answers the held requests and stops holding. */
  release(): void {
    this.holding = false;
    for (const answer of [...this.waiting]) answer();
    this.waiting.clear();
  }

  async close(): Promise<void> {
    this.waiting.clear();
    this.server.closeAllConnections();
    await new Promise<void>((resolve, reject) => this.server.close((error) => (error ? reject(error) : resolve())));
  }
}
