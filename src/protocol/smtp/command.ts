/**
 * SMTP command lines, decoded and encoded.
 *
 * RFC 5321 §4.1.1 (the commands), §4.1.2 (syntax: Reverse-path, Forward-path, Mailbox,
 * Mail-parameters, Rcpt-parameters), §4.1.3 (address literals), §2.3.8 (CRLF);
 * RFC 4954 §4 and §8 (AUTH, sasl-mech, initial-response, the client's base64 lines and "*");
 * RFC 3030 §2 (BDAT chunk-size, end-marker); RFC 1870 (SIZE), RFC 6152 (BODY=8BITMIME),
 * RFC 6531 §3.3 (SMTPUTF8: UTF-8 in Mailbox).
 *
 * Field names follow RFC 5321's grammar: `Verb`, `SP`, `Domain` / `address-literal`, `FROM:`,
 * `TO:`, `Reverse-path`, `Forward-path`, `Mailbox` (`Local-part`, `Domain`), `A-d-l`,
 * `Mail-parameters` / `Rcpt-parameters` (`esmtp-param`: `esmtp-keyword`, `esmtp-value`),
 * `String`, `CRLF`; RFC 4954's `sasl-mech`, `initial-response`, `base64`, `cancel-response`;
 * RFC 3030's `chunk-size`, `end-marker`.
 *
 * Decoders take exactly one line, CRLF included, and throw only DecodeError. They are as liberal
 * as Postfix where real clients differ from the RFC (case of keywords, spaces after `FROM:`,
 * trailing white space), and strict where leniency is a hazard (bare CR or LF).
 */
import { DecodeError } from '../bytes/errors.ts';
import type { Field } from '../bytes/field.ts';
import { latin1, utf8Decode, utf8Encode } from '../bytes/hex.ts';
import { OCTET } from './constants.ts';

/** One `esmtp-param` of MAIL or RCPT (RFC 5321 §4.1.2): `SIZE=1024`, `SMTPUTF8`. */
export interface EsmtpParam {
  /** Upper-cased `esmtp-keyword`. */
  keyword: string;
  value?: string;
}

/**
 * A decoded command. Which members are set depends on `verb`: `domain` for EHLO/HELO, `path`
 * and `params` for MAIL/RCPT, `mechanism` and `initialResponse` for AUTH, `chunkSize` and
 * `last` for BDAT, `argument` for every other verb that has one.
 */
export interface SmtpCommand {
  /** Upper-cased. */
  verb: string;
  /** EHLO/HELO: the `Domain` or `address-literal` (brackets included). */
  domain?: string;
  /** MAIL: the reverse-path Mailbox (`''` for the null path `<>`); RCPT: the forward-path Mailbox. */
  path?: string;
  params?: EsmtpParam[];
  /** AUTH: the upper-cased `sasl-mech`. */
  mechanism?: string;
  /** AUTH: the `initial-response` as sent (base64, or `=` for an empty one). */
  initialResponse?: string;
  /** BDAT (RFC 3030). */
  chunkSize?: number;
  last?: boolean;
  /** Any other verb: the text after the verb and its SP (VRFY, NOOP, `STARTTLS now`...). */
  argument?: string;
}

export interface DecodedCommand {
  command: SmtpCommand;
  fields: Field[];
}

/** Verbs this codec parses beyond `Verb [SP String]`. */
const STRUCTURED = new Set(['EHLO', 'HELO', 'MAIL', 'RCPT', 'AUTH', 'BDAT']);

const KEYWORD = /^[A-Za-z0-9][A-Za-z0-9-]*$/;
/** RFC 4954 §8: sasl-mech = 1*20 (UPPER-ALPHA / DIGIT / "-" / "_"); lower case tolerated. */
const SASL_MECH = /^[A-Za-z0-9_-]{1,20}$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Split off the CRLF: the line must end in it and contain no other CR or LF (RFC 5321 §2.3.8).
 * Returns the line as Latin-1 text, one character per octet, so string offsets are byte offsets.
 */
function lineText(bytes: Uint8Array, fields: Field[], what: string): string {
  const n = bytes.length;
  if (n < 2 || bytes[n - 2] !== OCTET.CR || bytes[n - 1] !== OCTET.LF) {
    throw new DecodeError(`${what} does not end in CRLF`, n, 'CRLF');
  }
  for (let i = 0; i < n - 2; i++) {
    if (bytes[i] === OCTET.CR || bytes[i] === OCTET.LF) {
      throw new DecodeError('bare CR or LF inside a line', i, 'CRLF');
    }
  }
  fields.push({ name: 'CRLF', start: n - 2, end: n });
  return latin1(bytes.subarray(0, n - 2));
}

/** Latin-1 slice back to the UTF-8 text it encodes (SMTPUTF8 addresses, RFC 6531). */
function text(s: string): string {
  const b = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i);
  return utf8Decode(b);
}

function isWsp(c: string): boolean {
  return c === ' ' || c === '\t';
}

/** End of `s` with trailing SP/HTAB dropped (RFC 5321 §4.1.1: receivers tolerate them). */
function trimEnd(s: string, from: number): number {
  let e = s.length;
  while (e > from && isWsp(s[e - 1])) e--;
  return e;
}

/** The `Verb` of a line, upper-cased, or undefined when the line does not start with a keyword. */
export function commandVerb(bytes: Uint8Array): string | undefined {
  let i = 0;
  while (i < bytes.length && i < 64) {
    const c = bytes[i];
    const ok = (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c === OCTET.HYPHEN && i > 0);
    if (!ok) break;
    i++;
  }
  if (i === 0) return undefined;
  const next = bytes[i];
  if (next !== undefined && next !== OCTET.SP && next !== OCTET.CR && next !== OCTET.HTAB) return undefined;
  return latin1(bytes.subarray(0, i)).toUpperCase();
}

/** Decode one command line (CRLF included). */
export function decodeCommand(bytes: Uint8Array): DecodedCommand {
  const tail: Field[] = [];
  const s = lineText(bytes, tail, 'a command line');
  const fields: Field[] = [];

  let v = 0;
  while (v < s.length && s[v] !== ' ' && s[v] !== '\t') v++;
  const verbText = s.slice(0, v);
  if (!KEYWORD.test(verbText)) throw new DecodeError('the Verb is not a keyword', 0, 'Verb');
  const verb = verbText.toUpperCase();
  fields.push({ name: 'Verb', start: 0, end: v, value: verb });

  let a = v;
  while (a < s.length && isWsp(s[a])) a++;
  const end = trimEnd(s, a);
  if (a > v && a < end) fields.push({ name: 'SP', start: v, end: a });
  const command: SmtpCommand = { verb };

  if (STRUCTURED.has(verb)) {
    if (a >= end) throw new DecodeError(`${verb} needs an argument`, v, argumentField(verb));
    const p = new ArgParser(s, a, end, fields);
    switch (verb) {
      case 'EHLO':
      case 'HELO':
        command.domain = p.domain();
        break;
      case 'MAIL':
        p.literal('FROM:');
        command.path = p.path('Reverse-path', true);
        command.params = p.params('Mail-parameters');
        break;
      case 'RCPT':
        p.literal('TO:');
        command.path = p.path('Forward-path', false);
        command.params = p.params('Rcpt-parameters');
        break;
      case 'AUTH': {
        const mech = p.token('sasl-mech');
        if (!SASL_MECH.test(mech.text)) throw new DecodeError('not a SASL mechanism name', mech.start, 'sasl-mech');
        command.mechanism = mech.text.toUpperCase();
        if (p.more()) {
          const ir = p.token('initial-response');
          if (ir.text !== '=' && !BASE64.test(ir.text)) throw new DecodeError('not base64', ir.start, 'initial-response');
          command.initialResponse = ir.text;
        }
        p.done();
        break;
      }
      case 'BDAT': {
        const size = p.token('chunk-size');
        if (!/^[0-9]{1,15}$/.test(size.text)) throw new DecodeError('chunk-size is not a number', size.start, 'chunk-size');
        command.chunkSize = Number(size.text);
        if (p.more()) {
          const m = p.token('end-marker');
          if (m.text.toUpperCase() !== 'LAST') throw new DecodeError('the end-marker is not LAST', m.start, 'end-marker');
          command.last = true;
        }
        p.done();
        break;
      }
    }
  } else if (a < end) {
    command.argument = text(s.slice(a, end));
    fields.push({ name: 'String', start: a, end, value: command.argument });
  }
  fields.push(...tail);
  return { command, fields };
}

/** Which field a missing argument is reported under. */
function argumentField(verb: string): string {
  switch (verb) {
    case 'EHLO':
    case 'HELO':
      return 'Domain';
    case 'MAIL':
      return 'FROM:';
    case 'RCPT':
      return 'TO:';
    case 'AUTH':
      return 'sasl-mech';
    default:
      return 'chunk-size';
  }
}

/** Reads the argument of a structured command left to right, recording spans. */
class ArgParser {
  constructor(
    private readonly s: string,
    private pos: number,
    private readonly end: number,
    private readonly fields: Field[],
  ) {}

  more(): boolean {
    return this.pos < this.end;
  }

  done(): void {
    if (this.pos < this.end) throw new DecodeError('unexpected text after the command', this.pos, 'String');
  }

  private skipSpace(): void {
    const from = this.pos;
    while (this.pos < this.end && isWsp(this.s[this.pos])) this.pos++;
    if (this.pos > from && this.pos < this.end) this.fields.push({ name: 'SP', start: from, end: this.pos });
  }

  /** A run of non-space characters. */
  token(name: string): { text: string; start: number } {
    const start = this.pos;
    while (this.pos < this.end && !isWsp(this.s[this.pos])) this.pos++;
    const t = this.s.slice(start, this.pos);
    if (t.length === 0) throw new DecodeError(`${name} is empty`, start, name);
    this.fields.push({ name, start, end: this.pos, value: text(t) });
    this.skipSpace();
    return { text: t, start };
  }

  /** `FROM:` / `TO:`, case-insensitive; spaces after the colon tolerated as Postfix does. */
  literal(word: string): void {
    const got = this.s.slice(this.pos, this.pos + word.length);
    if (got.toUpperCase() !== word) throw new DecodeError(`expected ${word}`, this.pos, word);
    this.fields.push({ name: word, start: this.pos, end: this.pos + word.length });
    this.pos += word.length;
    this.skipSpace();
  }

  /** EHLO/HELO argument (RFC 5321 §4.1.1.1): a Domain or an address-literal; extra words ignored. */
  domain(): string {
    const start = this.pos;
    while (this.pos < this.end && !isWsp(this.s[this.pos])) this.pos++;
    const d = this.s.slice(start, this.pos);
    const literal = d.startsWith('[');
    if (literal ? !/^\[[^[\]\\\s]+\]$/.test(d) : !isDomain(d)) {
      throw new DecodeError(literal ? 'malformed address-literal' : 'malformed Domain', start, literal ? 'address-literal' : 'Domain');
    }
    const value = text(d);
    this.fields.push({ name: literal ? 'address-literal' : 'Domain', start, end: this.pos, value });
    this.skipSpace();
    if (this.pos < this.end) {
      this.fields.push({ name: 'String', start: this.pos, end: this.end, value: text(this.s.slice(this.pos, this.end)) });
      this.pos = this.end;
    }
    return value;
  }

  /**
   * `Reverse-path` / `Forward-path` (RFC 5321 §4.1.2): "<" [ A-d-l ":" ] Mailbox ">", or "<>" for
   * a null reverse-path, or "<Postmaster>" as a forward-path (§4.5.1).
   */
  path(name: 'Reverse-path' | 'Forward-path', nullAllowed: boolean): string {
    const start = this.pos;
    if (this.s[this.pos] !== '<') throw new DecodeError('a path starts with "<"', this.pos, name);
    // Find the closing ">" outside any quoted-string of the Local-part.
    let i = this.pos + 1;
    let quoted = false;
    for (; i < this.end; i++) {
      const c = this.s[i];
      if (quoted && c === '\\') i++;
      else if (c === '"') quoted = !quoted;
      else if (!quoted && c === '>') break;
    }
    if (i >= this.end) throw new DecodeError('a path ends with ">"', this.end, name);
    const children: Field[] = [];
    let inner = this.pos + 1;
    const close = i;
    if (this.s[inner] === '@') {
      const colon = this.s.indexOf(':', inner);
      if (colon < 0 || colon > close) throw new DecodeError('a source route (A-d-l) ends with ":"', inner, 'A-d-l');
      children.push({ name: 'A-d-l', start: inner, end: colon, value: text(this.s.slice(inner, colon)) });
      inner = colon + 1;
    }
    let mailbox = '';
    if (inner === close) {
      if (!nullAllowed || children.length > 0) throw new DecodeError('an empty path', inner, name);
    } else {
      const raw = this.s.slice(inner, close);
      if (!nullAllowed && raw.toLowerCase() === 'postmaster') {
        mailbox = raw;
        children.push({ name: 'Mailbox', start: inner, end: close, value: raw });
      } else {
        mailbox = text(raw);
        children.push(mailboxField(raw, inner));
      }
    }
    this.pos = close + 1;
    this.fields.push({ name, start, end: this.pos, value: mailbox === '' ? '<>' : mailbox, children });
    if (this.pos < this.end && !isWsp(this.s[this.pos])) throw new DecodeError('expected SP after the path', this.pos, name);
    this.skipSpace();
    return mailbox;
  }

  /** `Mail-parameters` / `Rcpt-parameters`: esmtp-param *(SP esmtp-param). */
  params(name: 'Mail-parameters' | 'Rcpt-parameters'): EsmtpParam[] {
    const params: EsmtpParam[] = [];
    if (this.pos >= this.end) return params;
    const start = this.pos;
    const children: Field[] = [];
    while (this.pos < this.end) {
      const ps = this.pos;
      while (this.pos < this.end && !isWsp(this.s[this.pos])) this.pos++;
      const t = this.s.slice(ps, this.pos);
      const eq = t.indexOf('=');
      const keyword = eq < 0 ? t : t.slice(0, eq);
      if (!KEYWORD.test(keyword)) throw new DecodeError('not an esmtp-keyword', ps, 'esmtp-keyword');
      const sub: Field[] = [{ name: 'esmtp-keyword', start: ps, end: ps + keyword.length, value: keyword.toUpperCase() }];
      const param: EsmtpParam = { keyword: keyword.toUpperCase() };
      if (eq >= 0) {
        const value = t.slice(eq + 1);
        // esmtp-value = 1*(%d33-60 / %d62-126), widened to UTF-8 by RFC 6531 §4.3
        if (!/^[\x21-\x3c\x3e-\x7e\x80-\xff]+$/.test(value)) throw new DecodeError('not an esmtp-value', ps + eq + 1, 'esmtp-value');
        param.value = text(value);
        sub.push({ name: 'esmtp-value', start: ps + eq + 1, end: this.pos, value: param.value });
      }
      params.push(param);
      children.push({ name: 'esmtp-param', start: ps, end: this.pos, value: t, children: sub });
      const sp = this.pos;
      while (this.pos < this.end && isWsp(this.s[this.pos])) this.pos++;
      if (this.pos > sp && this.pos < this.end) children.push({ name: 'SP', start: sp, end: this.pos });
    }
    this.fields.push({ name, start, end: this.end, children });
    return params;
  }
}

/** RFC 5321 §4.1.2 Domain, widened to U-labels (RFC 6531) and the underscores real hosts use. */
function isDomain(d: string): boolean {
  return /^[A-Za-z0-9_\x80-\xff](?:[A-Za-z0-9_.\x80-\xff-]*[A-Za-z0-9_\x80-\xff])?\.?$/.test(d) && !d.includes('..');
}

/** Mailbox = Local-part "@" ( Domain / address-literal ), as a field with its two parts. */
function mailboxField(raw: string, at: number): Field {
  let split = -1;
  let quoted = false;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (quoted && c === '\\') i++;
    else if (c === '"') quoted = !quoted;
    else if (!quoted && c === '@') split = i;
  }
  if (split <= 0) throw new DecodeError('a Mailbox is Local-part "@" Domain', at, 'Mailbox');
  const local = raw.slice(0, split);
  const domain = raw.slice(split + 1);
  const quotedLocal = /^"(?:[\x20\x21\x23-\x5b\x5d-\x7e\x80-\xff]|\\[\x20-\x7e])*"$/.test(local);
  // Dot-string of atext (RFC 5321 §4.1.2), plus UTF-8 (RFC 6531 §3.3).
  const dotString = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~\x80-\xff-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~\x80-\xff-]+)*$/.test(local);
  if (!quotedLocal && !dotString) throw new DecodeError('malformed Local-part', at, 'Local-part');
  const literal = domain.startsWith('[');
  if (literal ? !/^\[[^[\]\\\s]+\]$/.test(domain) : !isDomain(domain)) {
    throw new DecodeError('malformed Domain', at + split + 1, literal ? 'address-literal' : 'Domain');
  }
  return {
    name: 'Mailbox',
    start: at,
    end: at + raw.length,
    value: text(raw),
    children: [
      { name: 'Local-part', start: at, end: at + split, value: text(local) },
      { name: literal ? 'address-literal' : 'Domain', start: at + split + 1, end: at + raw.length, value: text(domain) },
    ],
  };
}

/** Encode a command line, CRLF included. The inverse of decodeCommand for well-formed commands. */
export function encodeCommand(command: SmtpCommand): Uint8Array {
  return utf8Encode(commandText(command) + '\r\n');
}

/** The command line without its CRLF. */
export function commandText(c: SmtpCommand): string {
  const params = (ps?: EsmtpParam[]) => (ps ?? []).map((p) => ' ' + p.keyword + (p.value !== undefined ? '=' + p.value : '')).join('');
  switch (c.verb) {
    case 'EHLO':
    case 'HELO':
      return `${c.verb} ${c.domain ?? ''}`;
    case 'MAIL':
      return `MAIL FROM:<${c.path ?? ''}>${params(c.params)}`;
    case 'RCPT':
      return `RCPT TO:<${c.path ?? ''}>${params(c.params)}`;
    case 'AUTH':
      return `AUTH ${c.mechanism ?? ''}${c.initialResponse !== undefined ? ' ' + c.initialResponse : ''}`;
    case 'BDAT':
      return `BDAT ${c.chunkSize ?? 0}${c.last ? ' LAST' : ''}`;
    default:
      return c.verb + (c.argument !== undefined ? ' ' + c.argument : '');
  }
}

/** One client line inside an AUTH exchange (RFC 4954 §4): base64, or "*" to cancel. */
export interface AuthResponse {
  /** The base64 text as sent ('' for an empty response). */
  response: string;
  cancelled: boolean;
}

export function decodeAuthResponse(bytes: Uint8Array): { response: AuthResponse; fields: Field[] } {
  const tail: Field[] = [];
  const s = lineText(bytes, tail, 'an AUTH response');
  const end = trimEnd(s, 0);
  const t = s.slice(0, end);
  const fields: Field[] = [];
  if (t === '*') {
    fields.push({ name: 'cancel-response', start: 0, end: 1, value: '*' });
    return { response: { response: '*', cancelled: true }, fields: [...fields, ...tail] };
  }
  if (!BASE64.test(t) || t.length % 4 !== 0) throw new DecodeError('not base64', 0, 'base64');
  if (t.length > 0) fields.push({ name: 'base64', start: 0, end, value: t });
  return { response: { response: t, cancelled: false }, fields: [...fields, ...tail] };
}

export function encodeAuthResponse(response: string): Uint8Array {
  return utf8Encode(response + '\r\n');
}
