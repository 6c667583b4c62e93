import { readFileSync } from 'node:fs';
import { listenOnLoopback } from './loopback.ts';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { Clock } from '../../src/clock.ts';

/**
 * One scripted reply. With `status` or `body` it replaces the normal reply (status defaults to 200,
 * body to empty); with only `delayMs` and/or `headers` the normal reply is sent late and/or with the
 * extra headers.
 */
export interface ScriptedResponse {
  status?: number;
  headers?: Record<string, string>;
  body?: string;
  /** Real milliseconds to wait before replying (the reply is dropped if the client goes away). */
  delayMs?: number;
}

/** One request the fake received. */
export interface RecordedRequest {
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** Arrival time in ms since the epoch, read from the server's clock (real time by default). */
  at: number;
}

interface Reply {
  status: number;
  type: string;
  body: string;
}

const fixture = (name: string): string => readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');
const dailyPapers = JSON.parse(fixture('hf-daily-papers.json')) as Array<{ paper: { submittedOnDailyAt?: string } }>;
const paperDetail = fixture('hf-paper.json');
const atomFeed = fixture('arxiv-query.atom.xml');
const rssFeed = fixture('arxiv-rss-cs-LG.xml');

const json = (status: number, value: unknown): Reply => ({ status, type: 'application/json', body: JSON.stringify(value) });

function isCalendarDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
}

function serveDailyPapers(query: URLSearchParams): Reply {
  const p = Number(query.get('p') ?? '0');
  const limit = Number(query.get('limit') ?? '50');
  if (!Number.isInteger(p) || p < 0) return json(400, { error: '"p" must be an integer >= 0' });
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) return json(400, { error: '"limit" must be between 1 and 100' });
  const date = query.get('date');
  if (date !== null && !isCalendarDate(date)) return json(400, { error: `Invalid date: ${date}` });
  const items = date === null ? dailyPapers : dailyPapers.filter((i) => i.paper.submittedOnDailyAt?.startsWith(date));
  return json(200, items.slice(p * limit, (p + 1) * limit));
}

function servePaper(id: string): Reply {
  return id === '2501.12948' ? { status: 200, type: 'application/json', body: paperDetail } : json(404, { error: 'Entry not found' });
}

/** The Atom fixture cut to `start`/`max_results` (after an optional `id_list` filter), with matching opensearch numbers. */
function serveQuery(query: URLSearchParams): Reply {
  const start = Number(query.get('start') ?? '0');
  const maxResults = Number(query.get('max_results') ?? '10');
  const head = atomFeed.slice(0, atomFeed.indexOf('<entry>'));
  let entries: string[] = atomFeed.match(/<entry>[\s\S]*?<\/entry>\s*/g) ?? [];
  const ids = query.get('id_list')?.split(',').filter((id) => id !== '');
  if (ids?.length) {
    const bases = ids.map((id) => id.replace(/v\d+$/, ''));
    entries = entries.filter((entry) => bases.some((base) => entry.includes(`/abs/${base}v`)));
  }
  const header = head
    .replace(/<opensearch:totalResults>\d+/, `<opensearch:totalResults>${entries.length}`)
    .replace(/<opensearch:startIndex>\d+/, `<opensearch:startIndex>${start}`)
    .replace(/<opensearch:itemsPerPage>\d+/, `<opensearch:itemsPerPage>${maxResults}`);
  const body = `${header}${entries.slice(start, start + maxResults).join('')}</feed>\n`;
  return { status: 200, type: 'application/atom+xml; charset=utf-8', body };
}

/** arXiv's HTML rendering of a paper: the LaTeXML fixtures by arXiv id (a version suffix is ignored), else 404. */
function serveHtml(id: string): Reply {
  const base = id.replace(/v\d+$/, '');
  if (!/^[\w.-]+$/.test(base)) return { status: 404, type: 'text/html', body: '<html><body>Not found</body></html>' };
  try {
    return { status: 200, type: 'text/html; charset=utf-8', body: fixture(`fulltext/${base}.html`) };
  } catch {
    return { status: 404, type: 'text/html', body: `<html><body><h1>No HTML for '${base}'</h1></body></html>` };
  }
}

function route(path: string, query: URLSearchParams): Reply {
  if (path === '/api/daily_papers') return serveDailyPapers(query);
  const html = /^\/html\/(.+)$/.exec(path);
  if (html?.[1]) return serveHtml(decodeURIComponent(html[1]));
  const paper = /^\/api\/papers\/(.+)$/.exec(path);
  if (paper?.[1]) return servePaper(decodeURIComponent(paper[1]));
  if (path === '/api/query') return serveQuery(query);
  if (/^\/rss\/[^/]+$/.test(path)) return { status: 200, type: 'application/rss+xml; charset=utf-8', body: rssFeed };
  return json(404, { error: `no route for ${path}` });
}

/**
 * A fake of Hugging Face's paper endpoints and arXiv's API, RSS and HTML pages on 127.0.0.1, serving the
 * test fixtures, with scripted faults per path prefix, held replies, and a log of every request.
 */
export class FakeSourcesServer {
  /** Every request received, in arrival order. */
  readonly requests: RecordedRequest[] = [];
  private readonly scripts = new Map<string, ScriptedResponse[]>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly holds = new Map<string, Promise<void>>();
  private readonly held = new Set<() => void>();
  private readonly server: Server;
  private port = 0;

  /** `clock` stamps the recorded arrival times, so a test can compare them with its ManualClock. */
  constructor(private readonly clock?: Clock) {
    this.server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      this.requests.push({
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        at: this.clock ? this.clock.now().getTime() : Date.now(),
      });
      const hold = [...this.holds].find(([prefix]) => url.pathname.startsWith(prefix))?.[1];
      const respond = (): void => this.respond(res, this.nextScripted(url.pathname), () => route(url.pathname, url.searchParams));
      if (hold) void hold.then(() => { if (!res.destroyed) respond(); });
      else respond();
    });
  }

  /** The base URL (`http://127.0.0.1:<port>`); valid after {@link start}. */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Listens on an ephemeral port of 127.0.0.1. */
  async start(): Promise<this> {
    this.port = await listenOnLoopback(this.server);
    return this;
  }

  /** Queues replies for requests whose path starts with `pathPrefix`; each is used once, in order. */
  script(pathPrefix: string, responses: ScriptedResponse[]): void {
    this.scripts.set(pathPrefix, [...(this.scripts.get(pathPrefix) ?? []), ...responses]);
  }

  /**
   * Holds the replies to requests whose path starts with `pathPrefix` until the returned function is
   * called (to test what happens while a source is slow, without sleeping). Closing the server releases them.
   */
  hold(pathPrefix: string): () => void {
    let release!: () => void;
    this.holds.set(pathPrefix, new Promise<void>((resolve) => { release = resolve; }));
    const releaseOnce = (): void => {
      this.holds.delete(pathPrefix);
      this.held.delete(releaseOnce);
      release();
    };
    this.held.add(releaseOnce);
    return releaseOnce;
  }

  /** The recorded requests whose path starts with `pathPrefix`. */
  requestsTo(pathPrefix: string): RecordedRequest[] {
    return this.requests.filter((r) => r.path.startsWith(pathPrefix));
  }

  /** Drops pending delayed replies, closes every connection and stops listening. */
  async close(): Promise<void> {
    for (const release of [...this.held]) release();
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.server.closeAllConnections();
    await new Promise<void>((resolve, reject) => this.server.close((error) => (error ? reject(error) : resolve())));
  }

  private nextScripted(path: string): ScriptedResponse | undefined {
    for (const [prefix, queue] of this.scripts) {
      if (path.startsWith(prefix) && queue.length > 0) return queue.shift();
    }
    return undefined;
  }

  private respond(res: ServerResponse, scripted: ScriptedResponse | undefined, normal: () => Reply): void {
    const send = (): void => {
      const replaces = scripted?.status !== undefined || scripted?.body !== undefined;
      const reply = replaces ? { status: scripted?.status ?? 200, type: 'text/plain', body: scripted?.body ?? '' } : normal();
      res.writeHead(reply.status, { 'content-type': reply.type, ...scripted?.headers });
      res.end(reply.body);
    };
    if (!scripted?.delayMs) return send();
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (!res.destroyed) send();
    }, scripted.delayMs);
    this.timers.add(timer);
    res.on('close', () => {
      clearTimeout(timer);
      this.timers.delete(timer);
    });
  }
}
