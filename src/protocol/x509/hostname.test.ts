import { describe, expect, it } from 'vitest';
import type { GeneralNames } from './extensions.ts';
import { matchDnsName, matchServerName } from './hostname.ts';
import { formatIp, parseIp } from './ip.ts';

const san = (dnsNames: string[], ipAddresses: string[] = []): GeneralNames => ({
  dnsNames,
  ipAddresses,
  emails: [],
  uris: [],
  directoryNames: [],
  others: 0,
});

// Expectations written by hand from RFC 9525 §6.3 (DNS-ID) and §6.4 (IP-ID).
describe('RFC 9525 DNS-ID matching', () => {
  it.each([
    ['mail.example.com', 'mail.example.com', true, 'exact match'],
    ['MAIL.Example.COM', 'mail.example.com', true, 'case-insensitive (ASCII)'],
    ['mail.example.com', 'MAIL.EXAMPLE.COM', true, 'case-insensitive, presented side'],
    ['mail.example.com.', 'mail.example.com', true, 'an absolute reference name'],
    ['mail.example.com', 'mx.example.com', false, 'different left-most label'],
    ['example.com', 'mail.example.com', false, 'a parent is not a child'],
    ['mail.example.com', 'example.com', false, 'a child is not its parent'],
    ['mail.example.com', '*.example.com', true, 'wildcard as the whole left-most label'],
    ['MAIL.EXAMPLE.COM', '*.Example.Com', true, 'wildcard, mixed case'],
    ['a.b.example.com', '*.example.com', false, 'wildcard matches exactly one label'],
    ['example.com', '*.example.com', false, 'wildcard does not match an empty label'],
    ['.example.com', '*.example.com', false, 'empty left-most label in the reference'],
    ['mail.example.com', 'm*.example.com', false, 'no partial-label wildcard (m*)'],
    ['mail.example.com', '*l.example.com', false, 'no partial-label wildcard (*l)'],
    ['mail.example.com', 'ma*il.example.com', false, 'no wildcard inside a label'],
    ['mail.example.com', 'mail.*.com', false, 'wildcard only in the left-most label'],
    ['mail.example.com', '*.*.com', false, 'one wildcard only'],
    ['example.com', '*.com', false, 'no wildcard directly under a one-label suffix'],
    ['xn--bcher-kva.example.com', '*.example.com', true, 'whole-label wildcard may match an A-label reference'],
    ['xn--bcher-kva.example.com', 'xn--*.example.com', false, 'no wildcard inside an A-label'],
    ['xn--bcher-kva.example.com', 'xn--bcher-kva.example.com', true, 'A-labels compare as ASCII'],
    ['*.example.com', '*.example.com', false, 'a wildcard reference identifier is never matched'],
    ['mail.example.com', '', false, 'an empty presented identifier'],
  ])('%s against %s → %s (%s)', (reference, presented, expected) => {
    expect(matchDnsName(reference, presented)).toBe(expected);
  });
});

describe('matching a server name against a certificate', () => {
  it('matches an IPv4 reference against iPAddress only, never against dNSName', () => {
    expect(matchServerName('192.0.2.7', san([], ['192.0.2.7'])).ok).toBe(true);
    expect(matchServerName('192.0.2.7', san(['192.0.2.7'], [])).ok).toBe(false);
    expect(matchServerName('192.0.2.8', san([], ['192.0.2.7'])).ok).toBe(false);
  });

  it('matches IPv6 by value, whatever the textual form', () => {
    expect(matchServerName('2001:db8:0:0:0:0:0:1', san([], ['2001:db8::1'])).ok).toBe(true);
    expect(matchServerName('[2001:DB8::1]', san([], ['2001:db8::1'])).ok).toBe(true);
    expect(matchServerName('2001:db8::2', san([], ['2001:db8::1'])).kind).toBe('ip');
  });

  it('falls back to the subject CN only when there is no dNSName (as OpenSSL does)', () => {
    expect(matchServerName('legacy.example.com', undefined, ['legacy.example.com'])).toMatchObject({ ok: true, usedCommonName: true });
    expect(matchServerName('legacy.example.com', san(['other.example.com']), ['legacy.example.com'])).toMatchObject({ ok: false, usedCommonName: false });
    // An IP reference never uses the CN.
    expect(matchServerName('192.0.2.1', undefined, ['192.0.2.1']).ok).toBe(false);
  });

  it('reports the presented identifiers it compared and the one that matched', () => {
    const m = matchServerName('smtp.example.net', san(['mx.example.net', '*.example.net']), []);
    expect(m).toMatchObject({ ok: true, kind: 'dns', matched: '*.example.net', presented: ['mx.example.net', '*.example.net'] });
  });
});

describe('IP address text', () => {
  it.each([
    ['192.0.2.1', 'c0000201'],
    ['0.0.0.0', '00000000'],
    ['::1', '00000000000000000000000000000001'],
    ['2001:db8::', '20010db8000000000000000000000000'],
    ['::ffff:192.0.2.1', '00000000000000000000ffffc0000201'],
  ])('parses %s', (text, hex) => {
    expect(Buffer.from(parseIp(text)!).toString('hex')).toBe(hex);
  });

  it.each(['256.0.0.1', '1.2.3', '01.2.3.4', '1::2::3', '12345::', 'example.com', '1:2:3:4:5:6:7:8:9'])('rejects %s', (text) => {
    expect(parseIp(text)).toBeUndefined();
  });

  it('writes IPv6 in the RFC 5952 canonical form', () => {
    // RFC 5952 §4.2.1–4.2.3 and §4.3 examples.
    expect(formatIp(parseIp('2001:0db8:0000:0000:0000:0000:0000:0001')!)).toBe('2001:db8::1');
    expect(formatIp(parseIp('2001:db8:0:1:1:1:1:1')!)).toBe('2001:db8:0:1:1:1:1:1');
    expect(formatIp(parseIp('2001:0:0:1:0:0:0:1')!)).toBe('2001:0:0:1::1');
    expect(formatIp(parseIp('2001:db8:0:0:1:0:0:1')!)).toBe('2001:db8::1:0:0:1');
    expect(formatIp(parseIp('2001:DB8::AB')!)).toBe('2001:db8::ab');
  });
});
