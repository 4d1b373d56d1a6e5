/**
 * PEM, the textual encoding of RFC 7468: `-----BEGIN LABEL-----`, base64 (RFC 4648 §4) of the
 * DER, `-----END LABEL-----`. Labels used here: CERTIFICATE (§5), X509 CRL (§6), PRIVATE KEY
 * (§10, PKCS #8). Decoding is the "lax" parser of §3: explanatory text around blocks and any
 * white space inside them are accepted; RFC 1421 headers (legacy encrypted keys) are not.
 * DecodeError offsets are character offsets into the text.
 */
import { DecodeError, UsageError } from '../bytes/errors.ts';
import { base64ToBytes, bytesToBase64 } from '../bytes/hex.ts';

export type PemLabel = 'CERTIFICATE' | 'X509 CRL' | 'PRIVATE KEY' | 'PUBLIC KEY' | (string & {});

export interface PemBlock {
  label: string;
  der: Uint8Array;
  /** Character offsets of the block (BEGIN line to END line) in the text. */
  start: number;
  end: number;
}

/** RFC 7468 §3: label characters are printable ASCII except '-', words separated by one space or hyphen. */
const LABEL = /^[\x21-\x2c\x2e-\x7e]+(?:[- ][\x21-\x2c\x2e-\x7e]+)*$/;

/** The "strict" generator of RFC 7468 §3: 64 characters a line, LF line ends. */
export function encodePem(label: PemLabel, der: Uint8Array): string {
  if (!LABEL.test(label)) throw new UsageError(`"${label}" is not a PEM label`);
  const b64 = bytesToBase64(der);
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += 64) lines.push(b64.slice(i, i + 64));
  return `-----BEGIN ${label}-----\n${lines.join('\n')}${lines.length ? '\n' : ''}-----END ${label}-----\n`;
}

/**
 * Every PEM block in `text`, in order. With `label`, blocks with any other label are an error.
 * Throws DecodeError when there is no block, a block has no END line, the END label differs,
 * the block has RFC 1421 headers or its base64 is broken.
 */
export function decodePem(text: string, label?: PemLabel): PemBlock[] {
  const blocks: PemBlock[] = [];
  const begin = /-----BEGIN ([^\r\n]*?)-----/g;
  let m: RegExpExecArray | null;
  while ((m = begin.exec(text))) {
    const found = m[1];
    const start = m.index;
    if (!LABEL.test(found)) throw new DecodeError(`"${found}" is not a valid PEM label`, start, 'PEM');
    if (label !== undefined && found !== label) {
      throw new DecodeError(`expected a ${label} block, found ${found}`, start, 'PEM');
    }
    const bodyStart = m.index + m[0].length;
    const endRe = /-----END ([^\r\n]*?)-----/g;
    endRe.lastIndex = bodyStart;
    const e = endRe.exec(text);
    const nextBegin = text.indexOf('-----BEGIN ', bodyStart);
    if (!e || (nextBegin >= 0 && nextBegin < e.index)) {
      throw new DecodeError(`-----BEGIN ${found}----- has no matching -----END ${found}----- line`, start, 'PEM');
    }
    if (e[1] !== found) throw new DecodeError(`-----END ${e[1]}----- does not match -----BEGIN ${found}-----`, e.index, 'PEM');
    const body = text.slice(bodyStart, e.index);
    if (/^[ \t]*[A-Za-z-]+:/m.test(body)) {
      throw new DecodeError('RFC 1421 headers (an encrypted or legacy PEM) are not supported', bodyStart, 'PEM');
    }
    let der: Uint8Array;
    try {
      der = base64ToBytes(body);
    } catch (err) {
      if (!(err instanceof DecodeError)) throw err;
      throw new DecodeError(
        `broken base64 in the ${found} block: ${err.message.replace(/ \(field .*\)$/, '')}`,
        bodyStart + textIndexOf(body, err.offset),
        'PEM',
      );
    }
    if (der.length === 0) throw new DecodeError(`the ${found} block is empty`, bodyStart, 'PEM');
    blocks.push({ label: found, der, start, end: e.index + e[0].length });
    begin.lastIndex = e.index + e[0].length;
  }
  if (blocks.length === 0) {
    const stray = text.indexOf('-----END ');
    if (stray >= 0) throw new DecodeError('an -----END----- line without a -----BEGIN----- line', stray, 'PEM');
    throw new DecodeError(`no -----BEGIN ${label ?? '…'}----- line found`, 0, 'PEM');
  }
  return blocks;
}

/** The index in `body` of its `n`th non-white-space character (base64 offsets ignore white space). */
function textIndexOf(body: string, n: number): number {
  let seen = 0;
  let after = 0;
  for (let i = 0; i < body.length; i++) {
    if (/\s/.test(body[i])) continue;
    if (seen === n) return i;
    seen++;
    after = i + 1;
  }
  return after;
}
