/**
 * SMTP wire constants and timer values.
 *
 * RFC 5321 §2.3.8 (lines end in CRLF), §4.1.2 (command syntax), §4.2 (reply syntax), §4.5.2
 * (transparency), §4.5.3.1 (size limits), §4.5.3.2 (timeouts); RFC 3463 (enhanced status codes).
 */

/** The octets SMTP's line syntax is built from (RFC 5321 §2.3.8, §4.1.2, §4.2, §4.5.2). */
export const OCTET = {
  HTAB: 0x09,
  LF: 0x0a,
  CR: 0x0d,
  SP: 0x20,
  /** The continuation mark of a multi-line reply (RFC 5321 §4.2.1). */
  HYPHEN: 0x2d,
  /** Transparency and end of mail data (RFC 5321 §4.5.2, §4.1.1.4). */
  PERIOD: 0x2e,
  LESS_THAN: 0x3c,
  GREATER_THAN: 0x3e,
  QUOTE: 0x22,
  BACKSLASH: 0x5c,
  AT: 0x40,
  COLON: 0x3a,
  EQUALS: 0x3d,
} as const;

/** RFC 5321 §4.5.3.1: size limits. Receivers are asked to be liberal; these are the minimums. */
export const LIMITS = {
  /** §4.5.3.1.4 command line, CRLF included. */
  commandLine: 512,
  /** §4.5.3.1.5 reply line, CRLF included. */
  replyLine: 512,
  /** §4.5.3.1.6 text line of mail data, CRLF included. */
  textLine: 1000,
  /**
   * What this implementation buffers without a CRLF before it gives up on a line. Postfix's
   * `line_length_limit` is 2048; a little more leaves room for long AUTH responses.
   */
  bufferedLine: 4096,
  /** A multi-line reply larger than this is a misbehaving peer, not a capability list. */
  reply: 65536,
} as const;

/**
 * Timers in milliseconds, by the names the engines use in `{ type: 'timer' }` events.
 * RFC 5321 §4.5.3.2 gives the client's per-command values and the server's; for commands it
 * does not list (EHLO, HELO, STARTTLS, AUTH, QUIT) this implementation uses the same five
 * minutes as MAIL, as Postfix's smtp_helo_timeout, smtp_starttls_timeout and smtp_quit_timeout
 * are of that order.
 */
export const SMTP_TIMERS = {
  /** §4.5.3.2.1 Initial 220 Message: 5 minutes. */
  'initial-220': 300_000,
  /** §4.5.3.2.2 MAIL Command: 5 minutes. */
  mail: 300_000,
  /** §4.5.3.2.3 RCPT Command: 5 minutes. */
  rcpt: 300_000,
  /** §4.5.3.2.4 DATA Initiation: 2 minutes. */
  'data-initiation': 120_000,
  /** §4.5.3.2.5 Data Block: 3 minutes. */
  'data-block': 180_000,
  /** §4.5.3.2.6 DATA Termination: 10 minutes. */
  'data-termination': 600_000,
  /** §4.5.3.2.7 Server Timeout: 5 minutes. */
  server: 300_000,
  /** Not in §4.5.3.2: our choice, the same as MAIL. */
  ehlo: 300_000,
  helo: 300_000,
  starttls: 300_000,
  auth: 300_000,
  quit: 300_000,
} as const;

export type SmtpTimerName = keyof typeof SMTP_TIMERS;

/** RFC 5321 §4.2.1: the meaning of the first digit of a Reply-code. */
export const REPLY_CLASS = {
  positiveCompletion: 2,
  positiveIntermediate: 3,
  transientNegative: 4,
  permanentNegative: 5,
} as const;

/** Machine names for `{ type: 'state' }` events. */
export const MACHINE = {
  client: 'smtp-client',
  server: 'smtp-server',
} as const;
