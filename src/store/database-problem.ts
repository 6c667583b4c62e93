/**
 * A database Paperboy cannot use as it is, found at start: its message says what is wrong and what to do
 * (restore it, move it aside, make it writable, stop what holds it), and is shown as it is, without a trace.
 */
export class DatabaseProblem extends Error {
  override readonly name = 'DatabaseProblem';
}
