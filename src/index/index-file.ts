import { closeSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { IndexSnapshot } from './paper-index.ts';

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
/** The big arrays stay views into the file's buffer; the rest are copied out, so once a compaction has
 *  replaced the postings nothing keeps the file's buffer alive. */
const VIEWS = new Set<ArrayName>(['postingDocs', 'postingImpacts', 'postingFields']);

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

/** The bytes of an index file, in order: the preamble (magic line and header), then each section, padded. */
function fileLayout(snapshot: IndexSnapshot, stamp: IndexStamp): Uint8Array[] {
  const blobs: { name: Section['name']; data: Uint8Array }[] = [];
  for (const name of Object.keys(ARRAYS) as ArrayName[]) {
    const array = snapshot[name];
    blobs.push({ name, data: new Uint8Array(array.buffer, array.byteOffset, array.byteLength) });
  }
  for (const name of TEXTS) blobs.push({ name, data: Buffer.from(snapshot[name].join('\n'), 'utf8') });
  const sections: Section[] = [];
  let cursor = 0;
  for (const blob of blobs) {
    sections.push({ name: blob.name, offset: cursor, bytes: blob.data.byteLength });
    cursor += Math.ceil(blob.data.byteLength / ALIGN) * ALIGN;
  }
  const headerJson = Buffer.from(JSON.stringify({ stamp, sections } satisfies Header), 'utf8');
  const preamble = Buffer.alloc(Math.ceil((MAGIC.length + 4 + headerJson.length) / ALIGN) * ALIGN);
  preamble.write(MAGIC, 0, 'latin1');
  preamble.writeUInt32LE(headerJson.length, MAGIC.length);
  headerJson.copy(preamble, MAGIC.length + 4);
  const parts: Uint8Array[] = [preamble];
  for (const blob of blobs) {
    for (let at = 0; at < blob.data.byteLength; at += WRITE_CHUNK_BYTES) {
      parts.push(blob.data.subarray(at, Math.min(blob.data.byteLength, at + WRITE_CHUNK_BYTES)));
    }
    const pad = Math.ceil(blob.data.byteLength / ALIGN) * ALIGN - blob.data.byteLength;
    if (pad > 0) parts.push(new Uint8Array(pad));
  }
  return parts;
}

/**
 * Writes an index snapshot as one binary file: a magic line, a JSON header (stamp, section table), then each
 * typed array's bytes (8-byte aligned) and the term and id lists as newline-joined UTF-8. No giant JSON
 * string is ever built, so this scales past V8's string limit. Written to a temporary file and renamed, so a
 * crash never leaves a half-written index. Blocks: for command-line tools and tests; a running bot uses
 * {@link writeIndexFileInBackground}.
 */
export function writeIndexFile(path: string, snapshot: IndexSnapshot, stamp: IndexStamp): void {
  const parts = fileLayout(snapshot, stamp);
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  const fd = openSync(temporary, 'w');
  try {
    for (const part of parts) writeSync(fd, part);
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
 * threads, so the event loop is never held by disk I/O. The temporary file is flushed before it replaces the
 * old one: replacing a file with one whose data is still in the page cache makes the rename itself wait for
 * the data to reach the disk (measured: 0.1–0.7 s at 100k–300k papers, blocking).
 */
export async function writeIndexFileInBackground(path: string, snapshot: IndexSnapshot, stamp: IndexStamp): Promise<void> {
  const parts = fileLayout(snapshot, stamp);
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  const file = await open(temporary, 'w');
  try {
    for (const part of parts) await file.write(part);
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
      const Ctor = { Int32: Int32Array, Float32: Float32Array, Float64: Float64Array, Uint8: Uint8Array, Uint16: Uint16Array }[kind];
      const view = new Ctor(bytes.buffer as ArrayBuffer, start, section.bytes / Ctor.BYTES_PER_ELEMENT);
      (snapshot as Record<string, unknown>)[name] = VIEWS.has(name) ? view : view.slice();
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
