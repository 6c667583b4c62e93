/** Tokens a language model spent per channel and UTC day, so a daily cap holds across restarts and processes. */
export interface ModelUsageStore {
  /** Tokens spent for `channel` on `day` (`2025-01-24`); 0 when none. */
  used(channel: string, day: string): Promise<number>;
  /** Adds `tokens` (a whole number ≥ 0) to the channel's day and returns the new total. */
  add(channel: string, day: string, tokens: number): Promise<number>;
}
