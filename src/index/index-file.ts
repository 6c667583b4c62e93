import { closeSync, fstatSync, mkdirSync, openSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { nextTurn } from '../util/steps.ts';
import type { IndexSnapshot } from './paper-index.ts';
import { localOffsets, roomyArrays, segmentRanges, type PostingSegment } from './posting-segments.ts';
import type { PostingColumn, SegmentedSnapshot, StreamedSnapshot } from './postings.ts';

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
/** The posting columns: a streamed snapshot produces them piece by piece, and they are read segment by segment. */
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

/** The term and id lists as the file stores them: newline-joined UTF-8. */
type TextSections = Record<TextName, Buffer>;

function sectionSources(index: PersistedIndex, texts: TextSections): SectionSource[] {
  const sources: SectionSource[] = [];
  for (const name of Object.keys(ARRAYS) as ArrayName[]) {
    if ('postingCount' in index && POSTING_COLUMNS.has(name)) {
      const column = name as PostingColumn;
      sources.push({ name, bytes: index.postingCount * ARRAY_TYPES[ARRAYS[name]].BYTES_PER_ELEMENT, pieces: () => index.postingPieces(column) });
      continue;
    }
    const data = bytesOf((index as IndexSnapshot)[name]);
    sources.push({ name, bytes: data.byteLength, pieces: () => chunksOf(data) });
  }
  for (const name of TEXTS) sources.push({ name, bytes: texts[name].byteLength, pieces: () => chunksOf(texts[name]) });
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
function* fileLayout(index: PersistedIndex, stamp: IndexStamp, texts: TextSections): Iterable<Uint8Array> {
  const sources = sectionSources(index, texts);
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
    const texts = Object.fromEntries(TEXTS.map((name) => [name, Buffer.from(index[name].join('\n'), 'utf8')])) as TextSections;
    for (const part of fileLayout(index, stamp, texts)) writeSync(fd, part);
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
    const texts = {} as TextSections;
    for (const name of TEXTS) texts[name] = await linesInSlices(index[name]);
    for (const part of fileLayout(index, stamp, texts)) await file.write(part);
    await file.sync();
  } catch (error) {
    await file.close();
    await rm(temporary, { force: true });
    throw error;
  }
  await file.close();
  await rename(temporary, path);
}

/** Lines encoded in a turn of {@link linesInSlices} (300k terms joined at once took 20 ms). */
const LINES_PER_TURN = 50_000;

/** `lines` newline-joined as UTF-8, a slice of lines per turn of the event loop. */
async function linesInSlices(lines: readonly string[]): Promise<Buffer> {
  const parts: Buffer[] = [];
  for (let at = 0; at < lines.length; at += LINES_PER_TURN) {
    if (at > 0) parts.push(Buffer.from('\n'));
    parts.push(Buffer.from(lines.slice(at, at + LINES_PER_TURN).join('\n'), 'utf8'));
    await nextTurn();
  }
  return Buffer.concat(parts);
}

/** Why an index file could not be used. */
export type IndexFileProblem = 'missing' | 'corrupt';

/**
 * Reads an index file written by {@link writeIndexFile}: its snapshot and the stamp saying what it covers,
 * or why it cannot be used (a file of an older layout counts as corrupt: it is rebuilt). Each section is read
 * straight into an array of its own, and the postings segment by segment (see `PostingSegment`), so no buffer
 * of the whole file is held and a later compaction can replace any segment without keeping the rest alive.
 */
export function readIndexFile(path: string): { snapshot: SegmentedSnapshot; stamp: IndexStamp } | IndexFileProblem {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return 'missing';
  }
  try {
    const size = fstatSync(fd).size;
    const preamble = readAt(fd, Buffer.alloc(MAGIC.length + 4), 0);
    if (preamble.toString('latin1', 0, MAGIC.length) !== MAGIC) return 'corrupt';
    const headerLength = preamble.readUInt32LE(MAGIC.length);
    if (MAGIC.length + 4 + headerLength > size) return 'corrupt';
    const header = JSON.parse(readAt(fd, Buffer.alloc(headerLength), MAGIC.length + 4).toString('utf8')) as Header;
    if (typeof header.stamp?.libraryId !== 'string' || !Number.isInteger(header.stamp.seq)) return 'corrupt';
    const base = Math.ceil((MAGIC.length + 4 + headerLength) / ALIGN) * ALIGN;
    const sections = new Map(header.sections.map((section) => [section.name, section]));
    if (header.sections.some((section) => base + section.offset + section.bytes > size)) return 'corrupt';
    const read: Record<string, unknown> = {};
    for (const name of [...Object.keys(ARRAYS), ...TEXTS] as (ArrayName | TextName)[]) {
      const section = sections.get(name);
      if (!section) return 'corrupt';
      if (POSTING_COLUMNS.has(name as ArrayName)) continue;
      if ((TEXTS as string[]).includes(name)) {
        const text = readAt(fd, Buffer.alloc(section.bytes), base + section.offset).toString('utf8');
        read[name] = text === '' ? [] : text.split('\n');
        continue;
      }
      const Ctor = ARRAY_TYPES[ARRAYS[name as ArrayName]];
      const array = new Ctor(section.bytes / Ctor.BYTES_PER_ELEMENT);
      readAt(fd, bytesOf(array), base + section.offset);
      read[name] = array;
    }
    const { offsets, ...rest } = read as unknown as IndexSnapshot;
    const postings = sections.get('postingDocs')!.bytes / Int32Array.BYTES_PER_ELEMENT;
    if (!offsetsFit(offsets, postings) || !sortedTermsFit(read as unknown as IndexSnapshot)) return 'corrupt';
    for (const column of POSTING_COLUMNS) {
      if (sections.get(column)!.bytes !== postings * ARRAY_TYPES[ARRAYS[column]].BYTES_PER_ELEMENT) return 'corrupt';
    }
    // Each segment is read into arrays with room to grow, so compactions rewrite it in place (room never
    // written costs no resident memory).
    const segments: PostingSegment[] = segmentRanges(offsets).map((range) => {
      const arrays = roomyArrays(range.end - range.start);
      for (const [column, array] of [['postingDocs', arrays.docs], ['postingImpacts', arrays.impacts], ['postingFields', arrays.fields]] as const) {
        const bytes = (range.end - range.start) * array.BYTES_PER_ELEMENT;
        readAt(fd, bytesOf(array).subarray(0, bytes), base + sections.get(column)!.offset + range.start * array.BYTES_PER_ELEMENT);
      }
      return { firstTerm: range.firstTerm, offsets: localOffsets(offsets, range), ...arrays, borrowed: false };
    });
    return { snapshot: { ...(rest as Omit<IndexSnapshot, 'offsets' | PostingColumn>), segments }, stamp: header.stamp };
  } catch {
    return 'corrupt';
  } finally {
    closeSync(fd);
  }
}

/** Fills `target` from the file at `position`; throws when the file ends first. */
function readAt<T extends Uint8Array>(fd: number, target: T, position: number): T {
  let done = 0;
  while (done < target.byteLength) {
    const got = readSync(fd, target, done, target.byteLength - done, position + done);
    if (got === 0) throw new Error('index file ends early');
    done += got;
  }
  return target;
}

function bytesOf(array: ArrayBufferView): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}

/** Term offsets start at 0, never go back, and end at the number of postings. */
function offsetsFit(offsets: Int32Array, postings: number): boolean {
  if (offsets.length === 0 || offsets[0] !== 0 || offsets[offsets.length - 1] !== postings) return false;
  for (let t = 1; t < offsets.length; t++) if (offsets[t]! < offsets[t - 1]!) return false;
  return true;
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
