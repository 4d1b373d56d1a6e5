/**
 * SMTP replies, single- and multi-line, decoded and encoded.
 *
 * RFC 5321 §4.2 (Reply-line, Reply-code, textstring), §4.2.1 (multi-line replies: every line but
 * the last has "-" after the code), §4.1.1.1 (ehlo-ok-rsp: Domain, ehlo-greet, ehlo-line,
 * ehlo-keyword, ehlo-param), §4.3.1 (Greeting); RFC 3463 §2 and RFC 2034 §4 (the
 * Enhanced-status-code at the start of each line's text, its class equal to the code's first
 * digit); RFC 4954 §4 (334 continue-req: "334" SP [base64]).
 *
 * Each physical line is a `Reply-line` field whose children are `Reply-code`, `hyphen` (the
 * continuation mark) or `SP`, `Enhanced-status-code`, `textstring` (or, for a 250 reply to EHLO,
 * `Domain` / `ehlo-greet` / `ehlo-line`; for the greeting, `Domain` and `textstring`), `CRLF`.
 */
import { DecodeError, UsageError } from '../bytes/errors.ts';
import type { Field } from '../bytes/field.ts';
import { latin1, utf8Decode, utf8Encode } from '../bytes/hex.ts';
import type { ReplyInfo } from '../engine.ts';
import { OCTET } from './constants.ts';

export interface SmtpReply {
  /** Three digits, RFC 5321 §4.2. */
  code: number;
  /** The textstring of each line, in order, as sent (Enhanced-status-code included). */
  lines: string[];
  /** RFC 3463 code found at the start of the first line's text, e.g. `5.7.0`. */
  enhanced?: string;
}

export interface DecodedReply {
  reply: SmtpReply;
  fields: Field[];
}

/** Which grammar refines the textstrings: RFC 5321 ehlo-ok-rsp, the Greeting, or plain text. */
export type ReplyGrammar = 'text' | 'ehlo-ok-rsp' | 'Greeting';

const ENHANCED = /^([245])\.([0-9]{1,3})\.([0-9]{1,3})(?= |$)/;

function isDigit(c: number | undefined, lo = 0x30, hi = 0x39): boolean {
  return c !== undefined && c >= lo && c <= hi;
}

/**
 * Whether `line` (CRLF included) ends a reply: RFC 5321 §4.2.1, the last line has SP (or
 * nothing) after the code, every other line "-".
 */
export function isFinalReplyLine(line: Uint8Array): boolean {
  return line[3] !== OCTET.HYPHEN;
}

/** Decode a complete reply: all of its lines, each ending in CRLF. */
export function decodeReply(bytes: Uint8Array, grammar: ReplyGrammar = 'text'): DecodedReply {
  const fields: Field[] = [];
  const lines: string[] = [];
  let code = -1;
  let enhanced: string | undefined;
  let pos = 0;
  let final = false;
  if (bytes.length === 0) throw new DecodeError('an empty reply', 0, 'Reply-code');
  while (pos < bytes.length) {
    if (final) throw new DecodeError('a line after the last line of the reply', pos, 'Reply-line');
    let eol = -1;
    for (let i = pos; i < bytes.length; i++) {
      if (bytes[i] === OCTET.LF) {
        if (i === pos || bytes[i - 1] !== OCTET.CR) throw new DecodeError('a bare LF', i, 'CRLF');
        eol = i - 1;
        break;
      }
      if (bytes[i] === OCTET.CR && bytes[i + 1] !== OCTET.LF) throw new DecodeError('a bare CR', i, 'CRLF');
    }
    if (eol < 0) throw new DecodeError('the reply line does not end in CRLF', bytes.length, 'CRLF');
    const children: Field[] = [];
    // Reply-code = %x32-35 %x30-35 %x30-39
    if (!(isDigit(bytes[pos], 0x32, 0x35) && isDigit(bytes[pos + 1], 0x30, 0x35) && isDigit(bytes[pos + 2])) || pos + 3 > eol) {
      throw new DecodeError('not a Reply-code', pos, 'Reply-code');
    }
    const lineCode = (bytes[pos] - 0x30) * 100 + (bytes[pos + 1] - 0x30) * 10 + (bytes[pos + 2] - 0x30);
    if (code >= 0 && lineCode !== code) throw new DecodeError(`Reply-code ${lineCode} inside a ${code} reply`, pos, 'Reply-code');
    code = lineCode;
    children.push({ name: 'Reply-code', start: pos, end: pos + 3, value: String(code) });
    let t = pos + 3;
    const sep = bytes[t];
    if (t === eol) {
      final = true;
    } else if (sep === OCTET.HYPHEN) {
      children.push({ name: 'hyphen', start: t, end: t + 1, value: '-' });
      t++;
    } else if (sep === OCTET.SP) {
      children.push({ name: 'SP', start: t, end: t + 1 });
      t++;
      final = true;
    } else {
      throw new DecodeError('expected SP or "-" after the Reply-code', t, 'Reply-code');
    }
    const raw = latin1(bytes.subarray(t, eol));
    const lineText = utf8Decode(bytes.subarray(t, eol));
    lines.push(lineText);
    const m = ENHANCED.exec(raw);
    let textStart = t;
    if (m && Number(m[1]) === Math.floor(code / 100)) {
      const esc = m[0];
      enhanced ??= esc;
      children.push({ name: 'Enhanced-status-code', start: t, end: t + esc.length, value: esc });
      textStart = t + esc.length;
      if (bytes[textStart] === OCTET.SP) {
        children.push({ name: 'SP', start: textStart, end: textStart + 1 });
        textStart++;
      }
    }
    if (textStart < eol) {
      const first = lines.length === 1;
      const rest = latin1(bytes.subarray(textStart, eol));
      if (grammar === 'ehlo-ok-rsp' && code === 250) children.push(...ehloFields(rest, textStart, first));
      else if (grammar === 'Greeting' && first) children.push(...greetingFields(rest, textStart));
      else children.push({ name: 'textstring', start: textStart, end: eol, value: utf8Decode(bytes.subarray(textStart, eol)) });
    }
    children.push({ name: 'CRLF', start: eol, end: eol + 2 });
    fields.push({ name: 'Reply-line', start: pos, end: eol + 2, children });
    pos = eol + 2;
  }
  if (!final) throw new DecodeError('the reply has no last line (every line had "-")', bytes.length, 'Reply-line');
  const reply: SmtpReply = { code, lines };
  if (enhanced !== undefined) reply.enhanced = enhanced;
  return { reply, fields };
}

/** RFC 5321 §4.1.1.1: the first line is Domain [SP ehlo-greet], the others ehlo-line. */
function ehloFields(raw: string, at: number, first: boolean): Field[] {
  const out: Field[] = [];
  if (first) {
    const sp = raw.indexOf(' ');
    const d = sp < 0 ? raw : raw.slice(0, sp);
    out.push({ name: 'Domain', start: at, end: at + d.length, value: d });
    if (sp >= 0) {
      out.push({ name: 'SP', start: at + sp, end: at + sp + 1 });
      if (sp + 1 < raw.length) out.push({ name: 'ehlo-greet', start: at + sp + 1, end: at + raw.length, value: raw.slice(sp + 1) });
    }
    return out;
  }
  const children: Field[] = [];
  let i = 0;
  let first_ = true;
  while (i < raw.length) {
    while (i < raw.length && raw[i] === ' ') i++;
    const s = i;
    while (i < raw.length && raw[i] !== ' ') i++;
    if (i > s) {
      // The keyword may carry "=" in the obsolete "AUTH=PLAIN" form: name it by what it is.
      children.push({ name: first_ ? 'ehlo-keyword' : 'ehlo-param', start: at + s, end: at + i, value: raw.slice(s, i) });
      first_ = false;
    }
  }
  out.push({ name: 'ehlo-line', start: at, end: at + raw.length, value: raw, children });
  return out;
}

/** RFC 5321 §4.3.1 Greeting: "220 " Domain [SP textstring]. */
function greetingFields(raw: string, at: number): Field[] {
  const sp = raw.indexOf(' ');
  const d = sp < 0 ? raw : raw.slice(0, sp);
  const out: Field[] = [{ name: 'Domain', start: at, end: at + d.length, value: d }];
  if (sp >= 0) {
    out.push({ name: 'SP', start: at + sp, end: at + sp + 1 });
    if (sp + 1 < raw.length) out.push({ name: 'textstring', start: at + sp + 1, end: at + raw.length, value: raw.slice(sp + 1) });
  }
  return out;
}

/**
 * Encode a reply: `code-text` for every line but the last, `code SP text` for the last. The
 * last line always carries its SP, even with no text, as RFC 4954's `334 ` needs.
 */
export function encodeReply(reply: { code: number; lines: readonly string[] }): Uint8Array {
  const { code, lines } = reply;
  if (!Number.isInteger(code) || code < 200 || code > 559) throw new UsageError(`${code} is not a Reply-code`);
  const texts = lines.length === 0 ? [''] : lines;
  let out = '';
  texts.forEach((t, i) => {
    if (/[\r\n]/.test(t)) throw new UsageError('reply text may not contain CR or LF');
    out += `${code}${i < texts.length - 1 ? '-' : ' '}${t}\r\n`;
  });
  return utf8Encode(out);
}

/** The text of a line without its Enhanced-status-code. */
export function stripEnhanced(code: number, line: string): string {
  const m = ENHANCED.exec(line);
  if (m && Number(m[1]) === Math.floor(code / 100)) return line.slice(m[0].length).replace(/^ /, '');
  return line;
}

/**
 * The reply as the trace's ReplyInfo: `text` is the lines without their Enhanced-status-code,
 * joined by "\n"; render a reply as `${code} ${enhanced} ${text}`.
 */
export function replyInfo(reply: SmtpReply): ReplyInfo {
  const info: ReplyInfo = { code: reply.code, text: reply.lines.map((l) => stripEnhanced(reply.code, l)).join('\n') };
  if (reply.enhanced !== undefined) info.enhanced = reply.enhanced;
  return info;
}

/** The first line as it appears on the wire, without CRLF: `250 2.1.0 Ok`. */
export function replyFirstLine(reply: SmtpReply): string {
  const last = reply.lines.length <= 1;
  return `${reply.code}${last ? ' ' : '-'}${reply.lines[0] ?? ''}`;
}

/**
 * Collects reply lines from a LineBuffer until the last line of a reply. Bounded: a "reply"
 * that grows beyond `limit` octets is a misbehaving peer.
 */
export class ReplyCollector {
  private parts: Uint8Array[] = [];
  private size = 0;
  constructor(private readonly limit: number) {}

  /** Add one line; returns the complete reply's bytes when this line was its last. */
  push(line: Uint8Array): Uint8Array | undefined {
    this.parts.push(line);
    this.size += line.length;
    if (this.size > this.limit) {
      this.parts = [];
      this.size = 0;
      throw new DecodeError(`a reply longer than ${this.limit} octets`, this.limit, 'Reply-line');
    }
    if (!isFinalReplyLine(line)) return undefined;
    const out = new Uint8Array(this.size);
    let o = 0;
    for (const p of this.parts) {
      out.set(p, o);
      o += p.length;
    }
    this.parts = [];
    this.size = 0;
    return out;
  }

  get pending(): boolean {
    return this.parts.length > 0;
  }
}
