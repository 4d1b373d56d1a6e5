/**
 * The one error a decoder throws. It names the byte offset where decoding stopped and the
 * field (by its RFC name) that could not be read, so that a learner pasting hex sees where
 * their bytes stop making sense.
 */
export class DecodeError extends Error {
  override readonly name = 'DecodeError';
  constructor(
    message: string,
    /** offset into the bytes given to the decoder */
    readonly offset: number,
    /** RFC name of the field being read, e.g. `legacy_session_id` */
    readonly field: string,
  ) {
    super(`${message} (field ${field}, offset ${offset})`);
  }
}

/** Thrown when the code calling a codec breaks its contract (h11's "you misused me"). */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
