/** Why a user's request could not be done; each has its own identifier so tests and logs can tell them apart. */
export type UserErrorId =
  | 'unknown-command'
  | 'unknown-option'
  | 'invalid-argument'
  | 'missing-argument'
  | 'too-long'
  | 'paper-not-found'
  | 'ambiguous-paper'
  | 'page-out-of-range'
  | 'expired-action'
  | 'not-allowed';

/**
 * A mistake the user can fix. The dispatcher shows `message` to the user alone; it must say what to type
 * instead. Anything thrown that is not a UserError is a bug: logged, and answered with an apology.
 */
export class UserError extends Error {
  constructor(
    readonly id: UserErrorId,
    message: string,
    /** Extra lines shown under the message, e.g. usage or the candidates of an ambiguous title. */
    readonly details: string[] = [],
  ) {
    super(message);
    this.name = 'UserError';
  }
}
