/**
 * The EHLO reply's service extensions: reading them (client) and listing them (server).
 *
 * RFC 5321 §4.1.1.1 (ehlo-ok-rsp, ehlo-keyword, ehlo-param; keywords are case-insensitive),
 * §2.2.2; RFC 2920 (PIPELINING), RFC 1870 (SIZE [limit]; 0 or none means no fixed limit),
 * RFC 3207 (STARTTLS), RFC 4954 §3 (AUTH mechanism list; the pre-standard "AUTH=" form that
 * some servers still add), RFC 2034 (ENHANCEDSTATUSCODES), RFC 6152 (8BITMIME), RFC 3461 (DSN),
 * RFC 6531 (SMTPUTF8), RFC 3030 (CHUNKING), RFC 1985 (ETRN).
 */
import type { SmtpReply } from './reply.ts';

/** What a client learns from a 250 reply to EHLO. Plain data. */
export interface Capabilities {
  /** The server's Domain from the first line. */
  domain: string;
  /** Every ehlo-line: upper-cased keyword → its parameters. */
  extensions: Record<string, string[]>;
  starttls: boolean;
  pipelining: boolean;
  /** SIZE: the fixed limit in octets; 0 when SIZE is offered without one; undefined when absent. */
  size?: number;
  /** AUTH mechanisms, upper-cased; empty when AUTH is not offered. */
  auth: string[];
  eightBitMime: boolean;
  enhancedStatusCodes: boolean;
  smtpUtf8: boolean;
  chunking: boolean;
  dsn: boolean;
}

/** Nothing is known: what a client has before EHLO and again after STARTTLS (RFC 3207 §4.2). */
export function noCapabilities(): Capabilities {
  return {
    domain: '',
    extensions: {},
    starttls: false,
    pipelining: false,
    auth: [],
    eightBitMime: false,
    enhancedStatusCodes: false,
    smtpUtf8: false,
    chunking: false,
    dsn: false,
  };
}

/** Read the capability list from a 250 reply to EHLO. Never fails: unknown lines are kept as they are. */
export function parseCapabilities(reply: SmtpReply): Capabilities {
  const caps = noCapabilities();
  caps.domain = (reply.lines[0] ?? '').split(' ')[0];
  const auth = new Set<string>();
  for (const line of reply.lines.slice(1)) {
    const words = line.trim().split(/ +/).filter((w) => w.length > 0);
    if (words.length === 0) continue;
    let keyword = words[0].toUpperCase();
    let params = words.slice(1);
    // "AUTH=PLAIN LOGIN": the obsolete form, RFC 4954 §3 notes servers add it for old clients.
    if (keyword.startsWith('AUTH=')) {
      params = [keyword.slice(5), ...params].filter((p) => p.length > 0);
      keyword = 'AUTH';
    }
    caps.extensions[keyword] = [...(caps.extensions[keyword] ?? []), ...params];
    switch (keyword) {
      case 'STARTTLS':
        caps.starttls = true;
        break;
      case 'PIPELINING':
        caps.pipelining = true;
        break;
      case 'SIZE': {
        const n = params[0] !== undefined && /^[0-9]+$/.test(params[0]) ? Number(params[0]) : 0;
        caps.size = n;
        break;
      }
      case 'AUTH':
        for (const m of params) auth.add(m.toUpperCase());
        break;
      case '8BITMIME':
        caps.eightBitMime = true;
        break;
      case 'ENHANCEDSTATUSCODES':
        caps.enhancedStatusCodes = true;
        break;
      case 'SMTPUTF8':
        caps.smtpUtf8 = true;
        break;
      case 'CHUNKING':
        caps.chunking = true;
        break;
      case 'DSN':
        caps.dsn = true;
        break;
    }
  }
  caps.auth = [...auth];
  return caps;
}

/** What a server offers; the list is written in Postfix's order. */
export interface ServerExtensions {
  pipelining: boolean;
  /** SIZE limit in octets; 0 advertises SIZE without a limit; undefined leaves SIZE out. */
  size?: number;
  vrfy: boolean;
  etrn: boolean;
  starttls: boolean;
  /** AUTH mechanisms to advertise; empty leaves AUTH out. */
  auth: readonly string[];
  enhancedStatusCodes: boolean;
  eightBitMime: boolean;
  dsn: boolean;
  smtpUtf8: boolean;
  chunking: boolean;
}

/**
 * The lines of a 250 reply to EHLO: the server's name, then one ehlo-line per extension in the
 * order Postfix's smtpd writes them.
 */
export function ehloReplyLines(domain: string, ext: ServerExtensions): string[] {
  const lines = [domain];
  if (ext.pipelining) lines.push('PIPELINING');
  if (ext.size !== undefined) lines.push(ext.size > 0 ? `SIZE ${ext.size}` : 'SIZE');
  if (ext.vrfy) lines.push('VRFY');
  if (ext.etrn) lines.push('ETRN');
  if (ext.starttls) lines.push('STARTTLS');
  if (ext.auth.length > 0) lines.push(`AUTH ${ext.auth.join(' ')}`);
  if (ext.enhancedStatusCodes) lines.push('ENHANCEDSTATUSCODES');
  if (ext.eightBitMime) lines.push('8BITMIME');
  if (ext.dsn) lines.push('DSN');
  if (ext.smtpUtf8) lines.push('SMTPUTF8');
  if (ext.chunking) lines.push('CHUNKING');
  return lines;
}
