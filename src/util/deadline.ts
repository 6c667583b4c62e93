/* Answering within a chat platform's deadline (Slack and Discord both allow 3 s for the first answer). */

/**
 * The work's result if it settles within `ms`, else undefined (the work goes on). Real time, not the
 * injected clock: the platform's deadline is real.
 */
export async function withinDeadline<T>(work: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => { timer = setTimeout(() => resolve(undefined), ms); });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}
