/**
 * Inbound requests already handled, so a redelivery is handled once: Slack's event retries (the same
 * `event_id`), Socket Mode envelopes sent again (`retry_attempt`), and replayed signed HTTP requests. Kept in
 * the database, so a restarted process or another replica recognises them too.
 */
export interface InboundEventStore {
  /**
   * Records `key` as seen at `at`, remembered until `until`. True when the key is new, or its earlier record
   * expired at or before `at`: the caller handles the request. False when it was seen and is still
   * remembered: the caller must not handle it again. Atomic: of two callers racing on one key, one gets true.
   */
  firstSeen(key: string, at: Date, until: Date): Promise<boolean>;
  /** Forgets every record that expired at or before `at`; returns how many. */
  prune(at: Date): Promise<number>;
}
