/** Postings a fresh delta segment has room for before it grows. */
const INITIAL_CAPACITY = 4096;
/** No posting: the end of a term's chain. */
const END = -1;

/**
 * The postings added since the last compaction, kept compactly: one typed-array column per field of a posting
 * (13 bytes each: document, impact, field bits, link), and per term a chain through them in arrival order
 * (first and last posting, then each posting's next). No object per term or posting, so a delta of millions
 * of postings costs about what the same postings cost once compacted, and nothing the garbage collector has to
 * trace. Walk a term's postings with `for (let p = delta.first(t); p !== -1; p = delta.next[p])`.
 */
export class DeltaPostings {
  /** How many postings the segment holds. */
  count = 0;
  docs = new Int32Array(INITIAL_CAPACITY);
  impacts = new Float32Array(INITIAL_CAPACITY);
  fields = new Uint8Array(INITIAL_CAPACITY);
  /** The next posting of the same term, or -1. */
  next = new Int32Array(INITIAL_CAPACITY);
  private heads = new Int32Array(0);
  private tails = new Int32Array(0);
  private lengths = new Int32Array(0);

  /** The first posting of a term, or -1 when the term has none here. */
  first(termId: number): number {
    return termId < this.heads.length ? this.heads[termId]! : END;
  }

  /** How many postings a term's chain holds. */
  length(termId: number): number {
    return termId < this.lengths.length ? this.lengths[termId]! : 0;
  }

  /** Appends a posting to the end of its term's chain. */
  add(termId: number, doc: number, impact: number, fields: number): void {
    if (this.count === this.docs.length) this.growPostings();
    if (termId >= this.heads.length) this.growTerms(termId + 1);
    const at = this.count++;
    this.docs[at] = doc;
    this.impacts[at] = impact;
    this.fields[at] = fields;
    this.next[at] = END;
    const tail = this.tails[termId]!;
    if (tail === END) this.heads[termId] = at;
    else this.next[tail] = at;
    this.tails[termId] = at;
    this.lengths[termId]!++;
  }

  /** Detaches a term's chain (its postings were moved elsewhere); their room is reused only after {@link clear}. */
  forget(termId: number): void {
    if (termId >= this.heads.length) return;
    this.heads[termId] = END;
    this.tails[termId] = END;
    this.lengths[termId] = 0;
  }

  /** Empties the segment, keeping the memory it grew to for the postings to come. */
  clear(): void {
    this.count = 0;
    this.heads.fill(END);
    this.tails.fill(END);
    this.lengths.fill(0);
  }

  private growPostings(): void {
    const capacity = this.docs.length * 2;
    this.docs = copyInto(new Int32Array(capacity), this.docs);
    this.impacts = copyInto(new Float32Array(capacity), this.impacts);
    this.fields = copyInto(new Uint8Array(capacity), this.fields);
    this.next = copyInto(new Int32Array(capacity), this.next);
  }

  private growTerms(terms: number): void {
    const capacity = Math.max(terms, this.heads.length * 2, 1024);
    this.heads = copyInto(new Int32Array(capacity).fill(END), this.heads);
    this.tails = copyInto(new Int32Array(capacity).fill(END), this.tails);
    this.lengths = copyInto(new Int32Array(capacity), this.lengths);
  }
}

function copyInto<T extends Int32Array | Float32Array | Uint8Array>(target: T, source: T): T {
  target.set(source);
  return target;
}
