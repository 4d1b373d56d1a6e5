/**
 * The two SASL mechanisms SMTP submission uses in practice, as AUTH carries them.
 *
 * RFC 4616 §2 (PLAIN: message = [authzid] UTF8NUL authcid UTF8NUL passwd), RFC 4954 §4 (AUTH,
 * 334 challenges, base64, "=" for an empty initial response), draft-murchison-sasl-login-00
 * (LOGIN: the server asks "Username:" then "Password:", each base64 in a 334 reply).
 *
 * Everything the trace shows of a password is masked.
 */
import { DecodeError } from '../bytes/errors.ts';
import { base64ToBytes, bytesToBase64, utf8Decode, utf8Encode } from '../bytes/hex.ts';

/** The LOGIN prompts: base64 of "Username:" and "Password:" (draft-murchison-sasl-login §2). */
export const LOGIN_PROMPT = {
  username: 'VXNlcm5hbWU6',
  password: 'UGFzc3dvcmQ6',
} as const;

/** What the trace shows instead of a password. */
export const MASK = '••••';

export type SaslMechanism = 'PLAIN' | 'LOGIN';

export interface PlainCredentials {
  authzid: string;
  authcid: string;
  passwd: string;
}

/** The base64 PLAIN message for an initial response or a 334 continuation. */
export function encodePlain(c: PlainCredentials): string {
  return bytesToBase64(utf8Encode(`${c.authzid}\0${c.authcid}\0${c.passwd}`));
}

/** Decode a PLAIN message; throws DecodeError unless it is base64 of exactly three NUL-separated parts. */
export function decodePlain(b64: string): PlainCredentials {
  const text = b64 === '=' ? '' : utf8Decode(base64ToBytes(b64));
  const parts = text.split('\0');
  if (parts.length !== 3) throw new DecodeError('PLAIN is [authzid] NUL authcid NUL passwd', 0, 'base64');
  const [authzid, authcid, passwd] = parts;
  if (authcid === '' || passwd === '') throw new DecodeError('PLAIN needs an authcid and a passwd', 0, 'base64');
  return { authzid, authcid, passwd };
}

/** PLAIN as the trace shows it: `\0alice\0••••` (NUL written as backslash-zero, password masked). */
export function showPlain(b64: string): string {
  try {
    const c = decodePlain(b64);
    return `${c.authzid}\\0${c.authcid}\\0${MASK}`;
  } catch {
    return '(not a PLAIN message)';
  }
}

/** Base64 of a UTF-8 string (LOGIN's username and password lines). */
export function encodeBase64Text(s: string): string {
  return bytesToBase64(utf8Encode(s));
}

/** The text inside a base64 string, or undefined when it is not base64. */
export function decodeBase64Text(b64: string): string | undefined {
  try {
    return utf8Decode(base64ToBytes(b64));
  } catch {
    return undefined;
  }
}
