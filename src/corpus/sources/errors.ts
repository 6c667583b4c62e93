/**
 * The response body is not in the expected format at all: not JSON or not well-formed XML, no Atom
 * `<feed>` or RSS `<channel>` root, or not a JSON array where one is expected. Usually worth a retry
 * (arXiv sends an empty body when called too fast); never a per-item problem.
 */
export class MalformedResponseError extends Error {
  override name = 'MalformedResponseError';
}

/** The arXiv API answered with its Error entry (e.g. `incorrect id format for 1234.12345`). */
export class ArxivApiError extends Error {
  override name = 'ArxivApiError';

  /**
   * @param message the Error entry's summary
   * @param errorId the Error entry's id (`http://arxiv.org/api/errors#…`)
   */
  constructor(
    message: string,
    readonly errorId?: string,
  ) {
    super(message);
  }
}
