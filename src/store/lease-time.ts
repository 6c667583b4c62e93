/** The instant a lease taken or renewed at `now` for `ttlMs` lapses; throws a RangeError for a bad TTL. */
export function leaseExpiry(now: Date, ttlMs: number): Date {
  if (!Number.isFinite(ttlMs) || ttlMs <= 0) throw new RangeError(`A lease needs a positive time to live in milliseconds, not ${ttlMs}`);
  return new Date(now.getTime() + ttlMs);
}
