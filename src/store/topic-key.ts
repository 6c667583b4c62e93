/**
 * The key that makes a channel's subscriptions unique: the topic trimmed and lower-cased, so
 * `Diffusion ` and `diffusion` are one subscription. Shared by every store implementation.
 */
export function topicKey(topic: string): string {
  return topic.trim().toLowerCase();
}
