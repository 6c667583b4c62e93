import { open, stat } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import { z } from 'zod';
import { detectFormat, importText, type ImportFormat } from '../corpus/import-file.ts';
import { normalizeArxivId } from '../corpus/normalize.ts';
import { capPaper, createPaperReportingCuts, InvalidPaperError, PaperSchema, type Paper, type Rejection } from '../corpus/paper.ts';
import type { Logger } from '../logger.ts';
import type { PaperStore } from '../store/paper-store.port.ts';

/** Papers written per transaction. */
export const IMPORT_BATCH = 500;
/** Bytes looked at to recognize a file's format and refuse binary files. */
const HEAD_BYTES = 64 * 1024;
/** Bytes read at a time from a JSON Lines file. */
const CHUNK_BYTES = 1024 * 1024;
/** Formats other than JSON Lines are parsed whole, so their size is capped. */
export const WHOLE_FILE_CAP_BYTES = 64 * 2 ** 20;
/** A JSON Lines line longer than this is rejected without parsing (a paper is a few kilobytes). */
const MAX_LINE_CHARS = 4 * 2 ** 20;

/** How far an import is, for a progress line. */
export interface ImportProgress {
  file: string;
  bytesRead: number;
  bytesTotal: number;
  papers: number;
  rejected: number;
}

/** What importing one file did. */
export interface FileImportReport {
  file: string;
  format: ImportFormat | undefined;
  /** Papers read from the file (valid ones). */
  read: number;
  added: number;
  updated: number;
  unchanged: number;
  /** Papers whose too-long fields were cut (see FIELD_CAPS). */
  cut: number;
  rejected: Rejection[];
  /** Set when the whole file was refused (binary, too large, XML entities, unreadable). */
  refused?: string;
}

/** What {@link importFile} needs. */
export interface ImportOptions {
  store: PaperStore;
  /** Stamps signals of formats that carry them (when they were observed). */
  observedAt: Date;
  log: Logger;
  onProgress?: (progress: ImportProgress) => void;
}

/**
 * One line of the minimal JSON Lines a person or another tool writes: an arXiv id (as `id` or
 * `arxivId`, bare or as a URL), title and abstract, and optionally authors, a date, upvotes and a link.
 */
const MinimalLineSchema = z
  .object({
    id: z.string().optional(),
    arxivId: z.string().optional(),
    title: z.string().min(1, 'the title is empty'),
    abstract: z.string(),
    authors: z.union([z.array(z.string()), z.string()]).optional(),
    date: z.string().optional(),
    publishedAt: z.string().optional(),
    upvotes: z.number().int().nonnegative().optional(),
    url: z.url().optional(),
  })
  .refine((line) => line.id !== undefined || line.arxivId !== undefined, { message: 'needs "id" or "arxivId" (an arXiv id such as 2501.12948)' });

/** A paper from one parsed JSON Lines value: Paperboy's own format (an export), or the minimal one. */
export function paperFromJsonLine(value: unknown, observedAt: Date): { paper: Paper; cut: boolean } {
  if (value && typeof value === 'object' && 'titleDisplay' in value && 'sources' in value) {
    const full = PaperSchema.safeParse(value);
    if (!full.success) throw new InvalidPaperError(describe(full.error));
    const { paper, cut } = capPaper(full.data);
    return { paper, cut: cut.length > 0 };
  }
  const line = MinimalLineSchema.safeParse(value);
  if (!line.success) throw new InvalidPaperError(describe(line.error));
  const { id, arxivId, title, abstract, authors, date, publishedAt, upvotes, url } = line.data;
  const named = arxivId ?? id!;
  if (!normalizeArxivId(named)) throw new InvalidPaperError(`${arxivId !== undefined ? 'arxivId' : 'id'}: ${JSON.stringify(named.slice(0, 60))} is not an arXiv id (like 2501.12948)`);
  const link = url && normalizeArxivId(url) === null ? { project: url } : {};
  const draft = {
    arxivId: named,
    title,
    abstract,
    authors: typeof authors === 'string' ? authors.split(/\s*(?:,|;| and )\s*/).filter(Boolean) : authors,
    publishedAt: publishedAt ?? date,
    links: link,
    ...(upvotes !== undefined ? { signals: { upvotes, observedAt } } : {}),
    source: 'import' as const,
  };
  const { paper, cut } = createPaperReportingCuts(draft);
  return { paper, cut: cut.length > 0 };
}

function describe(error: z.ZodError): string {
  const issue = error.issues[0];
  return `${issue?.path.join('.') || 'paper'}: ${issue?.message ?? 'invalid'}`;
}

/**
 * Imports one file into the database: JSON Lines are streamed line by line (any size; a bad line is
 * reported by number and skipped), other formats are read whole up to {@link WHOLE_FILE_CAP_BYTES}.
 * Papers are written in transactions of {@link IMPORT_BATCH}, so a crash leaves every finished batch in
 * place and a rerun completes the rest (papers already there are unchanged). Binary files, XML with entity
 * definitions and oversized files are refused with a reason. Never throws for a bad file.
 */
export async function importFile(path: string, options: ImportOptions): Promise<FileImportReport> {
  const report: FileImportReport = { file: path, format: undefined, read: 0, added: 0, updated: 0, unchanged: 0, cut: 0, rejected: [] };
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    return { ...report, refused: `cannot read (${(error as NodeJS.ErrnoException).code ?? String(error)})` };
  }
  try {
    const size = (await handle.stat()).size;
    const head = Buffer.alloc(Math.min(HEAD_BYTES, size));
    await handle.read(head, 0, head.length, 0);
    const binary = binaryReason(head, size > head.length);
    if (binary) return { ...report, refused: binary };
    const headText = head.toString('utf8');
    report.format = detectFormat(headText, size > head.length);
    const write = batchWriter(options, report, size);
    if (report.format === 'jsonl') {
      await streamJsonLines(handle, options, report, write);
    } else {
      if (size > WHOLE_FILE_CAP_BYTES) {
        return { ...report, refused: `${Math.round(size / 2 ** 20)} MB is too large for a ${report.format ?? 'file of this'} format file (at most ${WHOLE_FILE_CAP_BYTES / 2 ** 20} MB): split it, or convert it to JSON Lines, which has no size limit` };
      }
      const text = (await handle.readFile()).toString('utf8');
      if (/<!(DOCTYPE|ENTITY)\b/i.test(text.slice(0, 64 * 1024)) && text.trimStart().startsWith('<')) {
        return { ...report, refused: 'XML with a DOCTYPE or entity definitions is refused (entities are never expanded); arXiv feeds have none' };
      }
      const parsed = importText(text, { observedAt: options.observedAt, log: options.log });
      report.rejected.push(...parsed.rejected);
      for (const paper of parsed.papers) {
        const capped = capOrReject(paper, report);
        if (capped) await write.add(capped);
      }
    }
    await write.flush();
    return report;
  } finally {
    await handle.close();
  }
}

function capOrReject(paper: Paper, report: FileImportReport, index?: number): Paper | undefined {
  try {
    const { paper: capped, cut } = capPaper(paper);
    if (cut.length > 0) report.cut++;
    return capped;
  } catch (error) {
    report.rejected.push({ ...(index !== undefined ? { index } : {}), id: paper.id, reason: String((error as Error).message) });
    return undefined;
  }
}

/** Collects papers and writes them in batches, reporting progress. */
function batchWriter(options: ImportOptions, report: FileImportReport, bytesTotal: number) {
  let batch: Paper[] = [];
  let bytesRead = 0;
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    const written = await options.store.upsert(batch);
    report.added += written.added.length;
    report.updated += written.updated.length;
    report.unchanged += written.unchanged;
    batch = [];
    options.onProgress?.({ file: report.file, bytesRead: bytesRead || bytesTotal, bytesTotal, papers: report.read, rejected: report.rejected.length });
  };
  return {
    async add(paper: Paper): Promise<void> {
      report.read++;
      batch.push(paper);
      if (batch.length >= IMPORT_BATCH) await flush();
    },
    setBytesRead(n: number): void {
      bytesRead = n;
    },
    flush,
  };
}

async function streamJsonLines(
  handle: Awaited<ReturnType<typeof open>>,
  options: ImportOptions,
  report: FileImportReport,
  write: ReturnType<typeof batchWriter>,
): Promise<void> {
  const buffer = Buffer.alloc(CHUNK_BYTES);
  const decoder = new StringDecoder('utf8');
  let pending = '';
  let lineNo = 0;
  let position = 0;
  const onLine = async (raw: string): Promise<void> => {
    lineNo++;
    const line = raw.trim();
    if (line === '') return;
    const reject = (reason: string): void => {
      report.rejected.push({ index: lineNo - 1, reason: `line ${lineNo}: ${reason}` });
    };
    if (line.length > MAX_LINE_CHARS) return reject(`${Math.round(line.length / 2 ** 20)} MB on one line is not a paper`);
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      return reject('not JSON');
    }
    try {
      const { paper, cut } = paperFromJsonLine(value, options.observedAt);
      if (cut) report.cut++;
      await write.add(paper);
    } catch (error) {
      if (!(error instanceof InvalidPaperError)) throw error;
      reject(error.message);
    }
  };
  for (;;) {
    const { bytesRead } = await handle.read(buffer, 0, CHUNK_BYTES, position);
    if (bytesRead === 0) break;
    position += bytesRead;
    write.setBytesRead(position);
    const lines = (pending + decoder.write(buffer.subarray(0, bytesRead))).split('\n');
    pending = lines.pop()!;
    if (pending.length > MAX_LINE_CHARS) {
      // Never hold an endless line in memory: skip to its end.
      await onLine(pending);
      pending = '';
      const skipped = await skipRestOfLine(handle, buffer, position);
      position = skipped;
    }
    for (const line of lines) await onLine(line);
  }
  pending += decoder.end();
  if (pending !== '') await onLine(pending);
}

/** Reads on from `position` to just after the next newline; returns that position. */
async function skipRestOfLine(handle: Awaited<ReturnType<typeof open>>, buffer: Buffer, position: number): Promise<number> {
  for (;;) {
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
    if (bytesRead === 0) return position;
    const newline = buffer.subarray(0, bytesRead).indexOf(10);
    if (newline >= 0) return position + newline + 1;
    position += bytesRead;
  }
}

/** Why the start of a file says it is not text, if it does: NUL bytes, or bytes that are not UTF-8. */
function binaryReason(head: Buffer, truncated: boolean): string | undefined {
  if (head.includes(0)) return 'not a text file (it contains NUL bytes): Paperboy reads JSON Lines, HF JSON, arXiv Atom or RSS XML, or trending page text';
  try {
    // A multi-byte character cut off at the end of the head is not an error.
    new TextDecoder('utf-8', { fatal: true }).decode(truncated ? head.subarray(0, Math.max(0, head.length - 4)) : head);
  } catch {
    return 'not a UTF-8 text file: Paperboy reads JSON Lines, HF JSON, arXiv Atom or RSS XML, or trending page text';
  }
  return undefined;
}

/** The size of a file, or undefined when it cannot be read. */
export async function fileSize(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).size;
  } catch {
    return undefined;
  }
}
