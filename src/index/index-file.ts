import { closeSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { IndexSnapshot } from './paper-index.ts';
import type { PostingColumn, StreamedSnapshot } from './postings.ts';

/** First bytes of an index file; bump the digit when the layout changes so old files are rebuilt. */
const MAGIC = 'PAPERBOY-INDEX-5\n';

type ArrayName = Exclude<keyof IndexSnapshot, TextName>;
type TextName = 'terms' | 'docIds';

const ARRAYS: Record<ArrayName, 'Int32' | 'Float32' | 'Float64' | 'Uint8' | 'Uint16'> = {
  termOrder: 'Int32',
  termChars: 'Uint16',
  termStarts: 'Int32',
  df: 'Int32',
  offsets: 'Int32',
  postingDocs: 'Int32',
  postingImpacts: 'Float32',
  postingFields: 'Uint8',
  alive: 'Uint8',
  publishedMinute: 'Int32',
  referenceMinute: 'Int32',
  upvotes: 'Int32',
  comments: 'Int32',
  githubStars: 'Int32',
  bundledRank: 'Int32',
  avgFieldLength: 'Float64',
};
const TEXTS: TextName[] = ['terms', 'docIds'];
/** The posting columns: a streamed snapshot produces them piece by piece. When read, they stay views into the
 *  file's buffer; the rest are copied out, so once a compaction has replaced the postings nothing keeps the
 *  file's buffer alive. */
const POSTING_COLUMNS = new Set<ArrayName>(['postingDocs', 'postingImpacts', 'postingFields']);
const ARRAY_TYPES = { Int32: Int32Array, Float32: Float32Array, Float64: Float64Array, Uint8: Uint8Array, Uint16: Uint16Array } as const;

/** Which database an index was built from, and up to which change of its paper feed. */
export interface IndexStamp {
  /** The database's library id (see `PaperStore.libraryId`): an index from another database is not used. */
  libraryId: string;
  /** The highest paper change sequence the index includes. */
  seq: number;
}

interface Section {
  name: ArrayName | TextName;
  offset: number;
  bytes: number;
}

interface Header {
  stamp: IndexStamp;
  sections: Section[];
}

const ALIGN = 8;
/** Bytes handed to the file system per write call. */
const WRITE_CHUNK_BYTES = 8 * 2 ** 20;

/** What the writer takes: a whole snapshot, or one whose postings are produced while they are written. */
export type PersistedIndex = IndexSnapshot | StreamedSnapshot;

/** One section of the file: its size, known before anything is written, and its bytes in pieces. */
interface SectionSource {
  name: Section['name'];
  bytes: number;
  pieces: () => Iterable<Uint8Array>;
}


function sectionSources(index: PersistedIndex): SectionSource[] {
  const sources: SectionSource[] = [];
  for (const name of Object.keys(ARRAYS) as ArrayName[]) {
    if ('postingCount' in index && POSTING_COLUMNS.has(name)) {
      const column = name as PostingColumn;
      sources.push({ name, bytes: index.postingCount * ARRAY_TYPES[ARRAYS[name]].BYTES_PER_ELEMENT, pieces: () => index.postingPieces(column) });
      continue;
    }
    const array = (index as IndexSnapshot)[name];
    const data = new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
    sources.push({ name, bytes: data.byteLength, pieces: () => chunksOf(data) });
  }
  for (const name of TEXTS) {
    const data = Buffer.from(index[name].join('\n'), 'utf8');
    sources.push({ name, bytes: data.byteLength, pieces: () => chunksOf(data) });
  }
  return sources;
}

function* chunksOf(data: Uint8Array): Iterable<Uint8Array> {
  for (let at = 0; at < data.byteLength; at += WRITE_CHUNK_BYTES) yield data.subarray(at, Math.min(data.byteLength, at + WRITE_CHUNK_BYTES));
}

/**
 * The bytes of an index file, in order and produced as they are asked for: the preamble (magic line and
 * header), then each section, padded. A piece may reuse the previous piece's memory: write each before asking
 * for the next.
 */
function* fileLayout(index: PersistedIndex, stamp: IndexStamp): Iterable<Uint8Array> {
  const sources = sectionSources(index);
  const sections: Section[] = [];
  let cursor = 0;
  for (const source of sources) {
    sections.push({ name: source.name, offset: cursor, bytes: source.bytes });
    cursor += Math.ceil(source.bytes / ALIGN) * ALIGN;
  }
  const headerJson = Buffer.from(JSON.stringify({ stamp, sections } satisfies Header), 'utf8');
  const preamble = Buffer.alloc(Math.ceil((MAGIC.length + 4 + headerJson.length) / ALIGN) * ALIGN);
  preamble.write(MAGIC, 0, 'latin1');
  preamble.writeUInt32LE(headerJson.length, MAGIC.length);
  headerJson.copy(preamble, MAGIC.length + 4);
  yield preamble;
  for (const source of sources) {
    let written = 0;
    for (const piece of source.pieces()) {
      written += piece.byteLength;
      yield piece;
    }
    if (written !== source.bytes) throw new Error(`index section ${source.name}: ${written} bytes written, ${source.bytes} announced`);
    const pad = Math.ceil(source.bytes / ALIGN) * ALIGN - source.bytes;
    if (pad > 0) yield new Uint8Array(pad);
  }
}

/**
 * Writes an index as one binary file: a magic line, a JSON header (stamp, section table), then each typed
 * array's bytes (8-byte aligned) and the term and id lists as newline-joined UTF-8. No giant JSON string is
 * ever built, so this scales past V8's string limit. Written to a temporary file and renamed, so a crash never
 * leaves a half-written index. Blocks: for command-line tools and tests; a running bot uses
 * {@link writeIndexFileInBackground}.
 */
export function writeIndexFile(path: string, index: PersistedIndex, stamp: IndexStamp): void {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  const fd = openSync(temporary, 'w');
  try {
    for (const part of fileLayout(index, stamp)) writeSync(fd, part);
  } catch (error) {
    closeSync(fd);
    rmSync(temporary, { force: true });
    throw error;
  }
  closeSync(fd);
  renameSync(temporary, path);
}

/**
 * {@link writeIndexFile} with every write, the flush and the rename done by the file system's worker
 * threads, so the event loop is never held by disk I/O (a streamed snapshot's pieces are made between writes,
 * a few milliseconds each). The temporary file is flushed before it replaces the old one: replacing a file
 * with one whose data is still in the page cache makes the rename itself wait for the data to reach the disk
 * (measured: 0.1–0.7 s at 100k–300k papers, blocking).
 */
export async function writeIndexFileInBackground(path: string, index: PersistedIndex, stamp: IndexStamp): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  const file = await open(temporary, 'w');
  try {
    for (const part of fileLayout(index, stamp)) await file.write(part);
    await file.sync();
  } catch (error) {
    await file.close();
    await rm(temporary, { force: true });
    throw error;
  }
  await file.close();
  await rename(temporary, path);
}

/** Why an index file could not be used. */
export type IndexFileProblem = 'missing' | 'corrupt';

/**
 * Reads an index file written by {@link writeIndexFile}: its snapshot and the stamp saying what it covers,
 * or why it cannot be used (a file of an older layout counts as corrupt: it is rebuilt).
 */
export function readIndexFile(path: string): { snapshot: IndexSnapshot; stamp: IndexStamp } | IndexFileProblem {
  let file: Buffer;
  try {
    file = readFileSync(path);
  } catch {
    return 'missing';
  }
  try {
    if (file.toString('latin1', 0, MAGIC.length) !== MAGIC) return 'corrupt';
    const headerLength = file.readUInt32LE(MAGIC.length);
    const header = JSON.parse(file.toString('utf8', MAGIC.length + 4, MAGIC.length + 4 + headerLength)) as Header;
    if (typeof header.stamp?.libraryId !== 'string' || !Number.isInteger(header.stamp.seq)) return 'corrupt';
    const base = Math.ceil((MAGIC.length + 4 + headerLength) / ALIGN) * ALIGN;
    // Typed-array views need aligned offsets; copy once into a fresh aligned buffer if the read one is not.
    const bytes = file.byteOffset % ALIGN === 0 ? file : copyAligned(file);
    const snapshot: Partial<IndexSnapshot> = {};
    for (const section of header.sections) {
      const start = bytes.byteOffset + base + section.offset;
      if (base + section.offset + section.bytes > bytes.byteLength) return 'corrupt';
      if ((TEXTS as string[]).includes(section.name)) {
        const text = bytes.toString('utf8', base + section.offset, base + section.offset + section.bytes);
        snapshot[section.name as TextName] = text === '' ? [] : text.split('\n');
        continue;
      }
      const name = section.name as ArrayName;
      const kind = ARRAYS[name];
      if (!kind) return 'corrupt';
      const Ctor = ARRAY_TYPES[kind];
      const view = new Ctor(bytes.buffer as ArrayBuffer, start, section.bytes / Ctor.BYTES_PER_ELEMENT);
      (snapshot as Record<string, unknown>)[name] = POSTING_COLUMNS.has(name) ? view : view.slice();
    }
    const complete = [...Object.keys(ARRAYS), ...TEXTS].every((name) => name in snapshot);
    return complete && sortedTermsFit(snapshot as IndexSnapshot) ? { snapshot: snapshot as IndexSnapshot, stamp: header.stamp } : 'corrupt';
  } catch {
    return 'corrupt';
  }
}

/** The sorted terms name terms and stay within their characters (the terms may outnumber them: see `Vocabulary`). */
function sortedTermsFit({ terms, termOrder, termChars, termStarts }: IndexSnapshot): boolean {
  if (termOrder.length > terms.length || termStarts.length !== termOrder.length + 1) return false;
  if (termStarts[0] !== 0 || termStarts[termOrder.length] !== termChars.length) return false;
  for (let at = 0; at < termOrder.length; at++) {
    if (termOrder[at]! < 0 || termOrder[at]! >= termOrder.length || termStarts[at]! > termStarts[at + 1]!) return false;
  }
  return true;
}

/** `Buffer.alloc` never hands out a slice of the shared pool, so its offset is 0. */
function copyAligned(file: Buffer): Buffer {
  const copy = Buffer.alloc(file.byteLength);
  file.copy(copy);
  return copy;
}
