/**
 * How many channels got how many posts, from the channel of every post made: `{ 1: 100 }` (each of 100 channels
 * exactly once) is the only good answer of a fault matrix; a key 0 is a lost post, 2 a double.
 */
export function postsPerChannel(postChannels: readonly string[], channels: readonly string[]): Record<number, number> {
  const counts = new Map<string, number>();
  for (const channel of postChannels) counts.set(channel, (counts.get(channel) ?? 0) + 1);
  const result: Record<number, number> = {};
  for (const channel of channels) {
    const count = counts.get(channel) ?? 0;
    result[count] = (result[count] ?? 0) + 1;
  }
  return result;
}
