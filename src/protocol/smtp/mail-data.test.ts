import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DecodeError } from '../bytes/errors.ts';
import { latin1, fromLatin1 } from '../bytes/hex.ts';
import { LineBuffer } from './line-buffer.ts';
import { decodeMailData, encodeMailData, MailDataReader } from './mail-data.ts';

/** What RFC 5321 §2.3.8 makes of line ends: CRLF, LF or CR alone each end a line; a CRLF closes the last. */
function normalise(s: string): string {
  const t = s.replace(/\r\n|\r|\n/g, '\r\n');
  return t === '' || t.endsWith('\r\n') ? t : t + '\r\n';
}

describe('encodeMailData', () => {
  it('doubles a leading period and ends with ".", CRLF (RFC 5321 §4.5.2)', () => {
    const e = encodeMailData('Subject: x\n\n.hidden\n..two\nend.\n');
    expect(latin1(e.bytes)).toBe('Subject: x\r\n\r\n..hidden\r\n...two\r\nend.\r\n.\r\n');
    expect(e.stuffed).toBe(2);
    expect(e.lines).toBe(5);
    expect(e.fields.map((f) => [f.name, f.start, f.end])).toEqual([
      ['mail-data', 0, 38],
      ['end-of-mail-data', 38, 41],
    ]);
    expect(e.fields[0].children!.map((f) => [f.name, f.start])).toEqual([
      ['transparency-period', 14],
      ['transparency-period', 24],
    ]);
  });

  it('adds the missing last CRLF and sends an empty message as "." alone', () => {
    expect(latin1(encodeMailData('no newline').bytes)).toBe('no newline\r\n.\r\n');
    expect(latin1(encodeMailData('').bytes)).toBe('.\r\n');
    expect(latin1(encodeMailData('.').bytes)).toBe('..\r\n.\r\n');
  });
});

describe('decodeMailData', () => {
  it('undoes transparency', () => {
    const { content, fields } = decodeMailData(fromLatin1('a\r\n..b\r\n.\r\n'));
    expect(latin1(content)).toBe('a\r\n.b\r\n');
    expect(fields.map((f) => f.name)).toEqual(['mail-data', 'end-of-mail-data']);
  });

  it('does not take <LF>.<LF> or <LF>.<CRLF> for the end of data (SMTP smuggling)', () => {
    const { content } = decodeMailData(fromLatin1('a\n.\nb\n.\r\nc\r\n.\r\n'));
    expect(latin1(content)).toBe('a\n.\nb\n.\r\nc\r\n');
  });

  it('refuses data without the end, or with octets after it', () => {
    expect(() => decodeMailData(fromLatin1('a\r\n'))).toThrow(DecodeError);
    expect(() => decodeMailData(fromLatin1('a\r\n.\r\nb\r\n'))).toThrow(DecodeError);
  });

  it('round-trips any text, line ends made CRLF', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', '.', '\r', '\n', ' ', 'é', '..') }), (s) => {
        const { content } = decodeMailData(encodeMailData(s).bytes);
        expect(new TextDecoder().decode(content)).toBe(normalise(s));
      }),
      { numRuns: 2000 },
    );
  });

  it('decodes arbitrary bytes or throws DecodeError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), fc.boolean(), (b, end) => {
        try {
          decodeMailData(end ? new Uint8Array([...b, 0x0d, 0x0a, 0x2e, 0x0d, 0x0a]) : b);
        } catch (e) {
          expect(e).toBeInstanceOf(DecodeError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('MailDataReader', () => {
  it('counts the unstuffed size past its keep limit without keeping the octets', () => {
    const r = new MailDataReader(10);
    expect(r.pushLine(fromLatin1('0123456789\r\n'))).toBe(false);
    expect(r.pushLine(fromLatin1('..more\r\n'))).toBe(false);
    expect(r.pushLine(fromLatin1('.\r\n'))).toBe(true);
    expect(r.size).toBe(12 + 7);
    expect(r.truncated).toBe(true);
  });
});

describe('LineBuffer', () => {
  it('returns pipelined lines one by one and keeps a partial line for the next read', () => {
    const b = new LineBuffer();
    b.push(fromLatin1('MAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDA'));
    expect(latin1(b.nextLine()!)).toBe('MAIL FROM:<a@b>\r\n');
    expect(latin1(b.nextLine()!)).toBe('RCPT TO:<c@d>\r\n');
    expect(b.nextLine()).toBeUndefined();
    b.push(fromLatin1('TA\r'));
    expect(b.nextLine()).toBeUndefined();
    b.push(fromLatin1('\n'));
    expect(latin1(b.nextLine()!)).toBe('DATA\r\n');
    expect(b.pending).toBe(0);
  });

  it('does not end a line at a bare LF (RFC 5321 §2.3.8)', () => {
    const b = new LineBuffer();
    b.push(fromLatin1('a\nb\r\n'));
    expect(latin1(b.nextLine()!)).toBe('a\nb\r\n');
  });

  it('hands out raw octets for BDAT and drains what is left', () => {
    const b = new LineBuffer();
    b.push(fromLatin1('12345\r\nRSET\r\n'));
    expect(b.take(14)).toBeUndefined();
    expect(latin1(b.take(3)!)).toBe('123');
    expect(latin1(b.drain())).toBe('45\r\nRSET\r\n');
    expect(b.pending).toBe(0);
  });

  it('yields the same lines however the stream is cut into reads', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('a', '\r', '\n', '\r\n', 'xyz'), { maxLength: 40 }), fc.array(fc.nat({ max: 80 })), (parts, cuts) => {
        const stream = fromLatin1(parts.join(''));
        const whole = new LineBuffer();
        whole.push(stream);
        const expected: string[] = [];
        for (let l = whole.nextLine(); l; l = whole.nextLine()) expected.push(latin1(l));
        const pieces = new LineBuffer();
        const got: string[] = [];
        let prev = 0;
        for (const c of [...new Set(cuts.map((x) => Math.min(x, stream.length)))].sort((a, b) => a - b).concat(stream.length)) {
          pieces.push(stream.subarray(prev, c));
          prev = c;
          for (let l = pieces.nextLine(); l; l = pieces.nextLine()) got.push(latin1(l));
        }
        expect(got).toEqual(expected);
        expect(latin1(pieces.drain())).toBe(latin1(whole.drain()));
      }),
    );
  });
});
