import { closeSync, openSync, readFileSync, renameSync, writeSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { IndexSnapshot } from './paper-index.ts';

/** First bytes of an index file; bump the digit when the layout changes so old files are rebuilt. */
const MAGIC = 'PAPERBOY-INDEX-3\n';

type ArrayName = 'df' | 'offsets' | 'postingDocs' | 'postingImpacts' | 'postingFields' | 'alive' | 'publishedMinute' | 'upvotes' | 'avgFieldLength';
type TextName = 'terms' | 'docIds';

const ARRAYS: Record<ArrayName, 'Int32' | 'Float32' | 'Float64' | 'Uint8'> = {
  df: 'Int32',
  offsets: 'Int32',
  postingDocs: 'Int32',
  postingImpacts: 'Float32',
  postingFields: 'Uint8',
  alive: 'Uint8',
  publishedMinute: 'Int32',
  upvotes: 'Int32',
  avgFieldLength: 'Float64',
};
const TEXTS: TextName[] = ['terms', 'docIds'];

interface Section {
  name: ArrayName | TextName;
  offset: number;
  bytes: number;
}

interface Header {
  fingerprint: string;
  sections: Section[];
}

const ALIGN = 8;

/**
 * Writes an index snapshot as one binary file: a magic line, a JSON header (fingerprint, section table),
 * then each typed array's bytes (8-byte aligned) and the term and id lists as newline-joined UTF-8. No
 * giant JSON string is ever built, so this scales past V8's string limit. Written to a temporary file
 * and renamed, so a crash never leaves a half-written index.
 */
export function writeIndexFile(path: string, snapshot: IndexSnapshot, fingerprint: string): void {
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
  const headerJson = Buffer.from(JSON.stringify({ fingerprint, sections } satisfies Header), 'utf8');
  const preamble = Buffer.alloc(Math.ceil((MAGIC.length + 4 + headerJson.length) / ALIGN) * ALIGN);
  preamble.write(MAGIC, 0, 'latin1');
  preamble.writeUInt32LE(headerJson.length, MAGIC.length);
  headerJson.copy(preamble, MAGIC.length + 4);

  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  const fd = openSync(temporary, 'w');
  try {
    writeSync(fd, preamble);
    for (const blob of blobs) {
      writeSync(fd, blob.data);
      const pad = Math.ceil(blob.data.byteLength / ALIGN) * ALIGN - blob.data.byteLength;
      if (pad > 0) writeSync(fd, Buffer.alloc(pad));
    }
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, path);
}

/** Why an index file could not be used. */
export type IndexFileProblem = 'missing' | 'corrupt' | 'stale';

/**
 * Reads an index file written by {@link writeIndexFile}. Returns the snapshot when the file is intact and
 * was built from the corpus with `expectedFingerprint`; otherwise says why it cannot be used.
 */
export function readIndexFile(path: string, expectedFingerprint: string): IndexSnapshot | IndexFileProblem {
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
    if (header.fingerprint !== expectedFingerprint) return 'stale';
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
      const kind = ARRAYS[section.name as ArrayName];
      if (!kind) return 'corrupt';
      const Ctor = { Int32: Int32Array, Float32: Float32Array, Float64: Float64Array, Uint8: Uint8Array }[kind];
      (snapshot as Record<string, unknown>)[section.name] = new Ctor(bytes.buffer as ArrayBuffer, start, section.bytes / Ctor.BYTES_PER_ELEMENT);
    }
    const complete = [...Object.keys(ARRAYS), ...TEXTS].every((name) => name in snapshot);
    return complete ? (snapshot as IndexSnapshot) : 'corrupt';
  } catch {
    return 'corrupt';
  }
}

/** `Buffer.alloc` never hands out a slice of the shared pool, so its offset is 0. */
function copyAligned(file: Buffer): Buffer {
  const copy = Buffer.alloc(file.byteLength);
  file.copy(copy);
  return copy;
}
