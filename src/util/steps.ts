/*
 * Long work written once, as a generator that yields wherever it may pause: run it at once (a command-line
 * tool, a test), or in slices that give the event loop back between them (a running bot, which must keep
 * answering chat platforms within their deadlines while it saves a large corpus).
 */

/** Work that pauses at each `yield` and finally returns a `T`. */
export type Steps<T> = Generator<void, T, void>;

/** Gives the event loop one turn (pending I/O and timers run), then resumes. */
export function nextTurn(): Promise<void> {
  return new Promise<void>((resolve) => setImmediate(resolve));
}

/** Runs the work to the end without pausing. */
export function runSteps<T>(steps: Steps<T>): T {
  let next = steps.next();
  while (!next.done) next = steps.next();
  return next.value;
}

/** Runs the work, letting pending I/O and timers run at every pause. */
export async function runStepsYielding<T>(steps: Steps<T>): Promise<T> {
  let next = steps.next();
  while (!next.done) {
    await new Promise<void>((resolve) => setImmediate(resolve));
    next = steps.next();
  }
  return next.value;
}

/**
 * Gives the event loop back whenever `sliceMs` of work has gone by since the last pause: call
 * {@link TimeSlicer.pause} between small units of async work (indexing one paper, say) so no slice
 * holds the loop longer than about `sliceMs`.
 */
export class TimeSlicer {
  private sliceStart = performance.now();

  constructor(private readonly sliceMs = 10) {}

  /** Pauses (one turn of the event loop) if the current slice has run its time; otherwise returns at once. */
  async pause(): Promise<void> {
    if (performance.now() - this.sliceStart < this.sliceMs) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.sliceStart = performance.now();
  }
}
