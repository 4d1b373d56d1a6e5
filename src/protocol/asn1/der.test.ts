import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DecodeError } from '../bytes/errors.ts';
import { fromHex, toHex, utf8Encode } from '../bytes/hex.ts';
import { DerReader, MAX_DER_DEPTH, decodeDer, integerValue } from './der-reader.ts';
import * as der from './der-writer.ts';
import { isoTime, parseAsn1Time, utcMs, utcParts } from './time.ts';

const hex = (b: Uint8Array): string => toHex(b);

function decodeError(f: () => unknown): DecodeError {
  try {
    f();
  } catch (e) {
    if (e instanceof DecodeError) return e;
    throw e;
  }
  throw new Error('expected a DecodeError');
}

describe('DER encoder', () => {
  it('encodes INTEGERs in the fewest two\'s complement octets (X.690 §8.3)', () => {
    // Hand-checked against X.690 §8.3.2 and the encodings any ASN.1 dump shows.
    expect(hex(der.integer(0))).toBe('020100');
    expect(hex(der.integer(127))).toBe('02017f');
    expect(hex(der.integer(128))).toBe('02020080');
    expect(hex(der.integer(256))).toBe('02020100');
    expect(hex(der.integer(-128))).toBe('020180');
    expect(hex(der.integer(-129))).toBe('0202ff7f');
    // Unsigned magnitudes (serial numbers): a 00 is added under a set top bit, leading zeros dropped.
    expect(hex(der.integer(fromHex('8f01')))).toBe('0203008f01');
    expect(hex(der.integer(fromHex('00007f')))).toBe('02017f');
  });

  it('encodes OIDs base 128 with the first two arcs combined (X.690 §8.19)', () => {
    expect(hex(der.oid('2.999.3'))).toBe('0603883703'); // X.690 §8.19.5 example
    expect(hex(der.oid('1.2.840.113549'))).toBe('06062a864886f70d'); // the RSADSI arc (RFC 8017 Appendix C)
    expect(hex(der.oid('2.5.29.17'))).toBe('0603551d11'); // id-ce-subjectAltName, RFC 5280 §4.2.1.6
  });

  it('encodes lengths in the short form below 128 and the fewest long-form octets above', () => {
    expect(hex(der.encodeLength(127))).toBe('7f');
    expect(hex(der.encodeLength(128))).toBe('8180');
    expect(hex(der.encodeLength(200))).toBe('81c8');
    expect(hex(der.encodeLength(256))).toBe('820100');
    expect(hex(der.encodeLength(70000))).toBe('83011170');
  });

  it('drops trailing zero bits of a named-bit BIT STRING (X.690 §11.2.2)', () => {
    // KeyUsage as real certificates carry it: 03 02 07 80 (digitalSignature), 03 02 01 86
    // (digitalSignature, keyCertSign, cRLSign), 03 02 01 06 (keyCertSign, cRLSign).
    expect(hex(der.namedBits([0]))).toBe('03020780');
    expect(hex(der.namedBits([0, 5, 6]))).toBe('03020186');
    expect(hex(der.namedBits([5, 6]))).toBe('03020106');
    expect(hex(der.namedBits([0, 8]))).toBe('0303078080'); // decipherOnly spills into a second octet
  });

  it('encodes the fixed forms of BOOLEAN, NULL and the context tags', () => {
    expect(hex(der.boolean(true))).toBe('0101ff');
    expect(hex(der.boolean(false))).toBe('010100');
    expect(hex(der.nullValue())).toBe('0500');
    expect(hex(der.explicit(0, der.integer(2)))).toBe('a003020102');
    expect(hex(der.implicit(2, der.ia5String('a.test')))).toBe('8206612e74657374');
    expect(hex(der.implicit(1, der.sequence()))).toBe('a100');
  });

  it('switches from UTCTime to GeneralizedTime in 2050 (RFC 5280 §4.1.2.5)', () => {
    const end2049 = Date.UTC(2049, 11, 31, 23, 59, 59);
    expect(hex(der.time(end2049))).toBe('170d' + hex(utf8Encode('491231235959Z')));
    expect(hex(der.time(end2049 + 1000))).toBe('180f' + hex(utf8Encode('20500101000000Z')));
    expect(hex(der.time(Date.UTC(1950, 0, 1)))).toBe('170d' + hex(utf8Encode('500101000000Z')));
    expect(hex(der.time(Date.UTC(1949, 11, 31, 23, 59, 59)))).toBe('180f' + hex(utf8Encode('19491231235959Z')));
  });

  it('sorts SET OF elements by their encodings (X.690 §11.6)', () => {
    expect(hex(der.setOf(der.integer(2), der.integer(1), der.boolean(true)))).toBe('3109' + '0101ff' + '020101' + '020102');
  });

  it('writes structures that OpenSSL asn1parse reads back value for value', () => {
    const bytes = der.sequence(
      der.integer(fromHex('0a1b2c3d4e5f')),
      der.oid('1.2.840.10045.4.3.2'),
      der.utf8String('邮件'),
      der.printableString('CN'),
      der.time(Date.UTC(2030, 5, 1, 12, 0, 0)),
      der.time(Date.UTC(2051, 0, 2, 3, 4, 5)),
      der.explicit(3, der.sequence(der.boolean(true), der.octetString(fromHex('beef')))),
    );
    const run = spawnSync('openssl', ['asn1parse', '-inform', 'DER'], { input: bytes, timeout: 10_000, encoding: 'utf8' });
    expect(run.status).toBe(0);
    const out = run.stdout;
    expect(out).toMatch(/INTEGER\s+:0A1B2C3D4E5F/);
    expect(out).toMatch(/OBJECT\s+:ecdsa-with-SHA256/);
    expect(out).toMatch(/UTF8STRING\s+:/);
    expect(out).toMatch(/PRINTABLESTRING\s+:CN/);
    expect(out).toMatch(/UTCTIME\s+:300601120000Z/);
    expect(out).toMatch(/GENERALIZEDTIME\s+:20510102030405Z/);
    expect(out).toMatch(/cont \[ 3 \]/);
    expect(out).toMatch(/BOOLEAN\s+:255/);
    expect(out).toMatch(/OCTET STRING\s+\[HEX DUMP\]:BEEF/);
  });
});

describe('DER reader', () => {
  it('records each element under its name with the span of the whole TLV', () => {
    const bytes = der.sequence(der.integer(5), der.oid('2.5.4.3'), der.explicit(0, der.boolean(true)));
    const r = new DerReader(bytes);
    r.sequence('Outer', (s) => {
      expect(s.integer('version')).toBe(5n);
      expect(s.oid('type', (o) => (o === '2.5.4.3' ? 'commonName' : undefined))).toBe('2.5.4.3');
      s.explicit('flag', 0, (e) => e.boolean('inner'));
    });
    r.expectEnd('Outer');
    const [outer] = r.fields;
    expect([outer.name, outer.start, outer.end]).toEqual(['Outer', 0, bytes.length]);
    expect(outer.children!.map((f) => [f.name, f.start, f.end, f.value])).toEqual([
      ['version', 2, 5, '5'],
      ['type', 5, 10, '2.5.4.3 (commonName)'],
      ['flag', 10, 15, undefined],
    ]);
    expect(outer.children![2].children!.map((f) => [f.name, f.start, f.end, f.value])).toEqual([['inner', 12, 15, 'TRUE']]);
  });

  it.each([
    ['indefinite length', '3080020100' + '0000', 1, 'indefinite length'],
    ['a short length written long', '048105' + '0102030405', 1, 'long form'],
    ['a long length with a leading zero', '04820080' + '00'.repeat(128), 2, 'leading zero'],
    ['an INTEGER with a redundant 00', '02020001', 2, 'fewest octets'],
    ['an INTEGER with a redundant ff', '0202ff80', 2, 'fewest octets'],
    ['an empty INTEGER', '0200', 2, 'no content'],
    ['a BOOLEAN that is neither 00 nor ff', '010101', 2, '00 or FF'],
    ['a non-empty NULL', '050100', 2, 'NULL must be empty'],
    ['an element longer than its container', '3005020101', 0, 'claims 5'],
    ['an OID sub-identifier with a leading 0x80', '0603558001', 3, 'leading 0x80'],
    ['an OID cut inside a sub-identifier', '06025586', 3, 'ends inside'],
    ['a BIT STRING with set unused bits', '03020181', 3, 'must be zero'],
    ['a BIT STRING with 8 unused bits', '03020800', 2, '8 unused'],
    ['a UTCTime without seconds', '170b' + toHex(utf8Encode('4912312359Z')), 2, 'RFC 5280'],
    ['a UTCTime with a 13th month', '170d' + toHex(utf8Encode('491301000000Z')), 2, 'RFC 5280'],
    ['a GeneralizedTime with a fraction', '1811' + toHex(utf8Encode('20500101000000.5Z')), 2, 'RFC 5280'],
    ['a PrintableString with @', '1303612540', 2, 'PrintableString'],
    ['invalid UTF-8', '0c02c0af', 2, 'UTF-8'],
    ['a low tag number in the long form', '1f0100', 0, 'long form'],
    ['two elements where one is expected', '0500' + '0500', 2, 'unexpected octet'],
  ])('rejects %s with a DecodeError at the offending offset', (_what, hexBytes, offset, message) => {
    const e = decodeError(() => decodeDer(fromHex(hexBytes)));
    expect(e.offset).toBe(offset);
    expect(e.message).toContain(message);
  });

  it('names the schema field in the DecodeError', () => {
    const e = decodeError(() => new DerReader(fromHex('300402020001')).sequence('TBSCertificate', (r) => r.integer('serialNumber')));
    expect(e.field).toBe('serialNumber');
    expect(e.offset).toBe(4);
    const wrongTag = decodeError(() => new DerReader(fromHex('0500')).sequence('tbsCertificate', () => 0));
    expect(wrongTag.field).toBe('tbsCertificate');
    expect(wrongTag.message).toContain('expected SEQUENCE, found NULL');
  });

  it('refuses nesting deeper than its limit instead of exhausting the stack', () => {
    let inner = der.nullValue();
    for (let i = 0; i < MAX_DER_DEPTH + 5; i++) inner = der.sequence(inner);
    expect(decodeError(() => decodeDer(inner)).message).toContain('nested more than');
    let ok = der.nullValue();
    for (let i = 0; i < MAX_DER_DEPTH - 1; i++) ok = der.sequence(ok);
    expect(decodeDer(ok)[0].name).toBe('SEQUENCE');
  });

  it('round-trips INTEGERs, OIDs, strings and times through encoder and reader', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 200n), max: 2n ** 200n }), (v) => {
        expect(new DerReader(der.integer(v)).integer('v')).toBe(v);
      }),
    );
    const arc = fc.oneof(fc.integer({ min: 0, max: 200 }), fc.bigInt({ min: 0n, max: 2n ** 70n }).map(String));
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 39 }), fc.array(arc, { maxLength: 8 }), (a, b, rest) => {
        const dotted = [a, b, ...rest].join('.');
        expect(new DerReader(der.oid(dotted)).oid('o')).toBe(dotted);
      }),
    );
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (s) => {
        expect(new DerReader(der.utf8String(s)).string('s').value).toBe(s);
      }),
    );
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(0, 0, 1) - 1900 * 365 * 86400000, max: Date.UTC(9999, 11, 31, 23, 59, 59) }), (ms) => {
        if (utcParts(ms).year < 0) return;
        const whole = Math.floor(ms / 1000) * 1000;
        expect(new DerReader(der.time(ms)).time('t')).toBe(whole);
      }),
    );
  });

  it('either decodes arbitrary bytes or throws DecodeError, never anything else', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        try {
          decodeDer(bytes);
        } catch (e) {
          expect(e).toBeInstanceOf(DecodeError);
        }
      }),
      { numRuns: 2000 },
    );
    // Inputs biased towards plausible headers reach the content checks too.
    const tlvLike = fc
      .tuple(fc.constantFrom(0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x0c, 0x13, 0x16, 0x17, 0x18, 0x30, 0x31, 0xa0, 0x1e, 0x1c, 0x1f), fc.uint8Array({ maxLength: 40 }))
      .map(([t, body]) => Uint8Array.from([t, body.length, ...body]));
    fc.assert(
      fc.property(fc.array(tlvLike, { maxLength: 4 }), (parts) => {
        const bytes = der.sequence(...parts);
        try {
          decodeDer(bytes);
        } catch (e) {
          expect(e).toBeInstanceOf(DecodeError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('time arithmetic', () => {
  it('agrees with the platform calendar for any instant from year 0 to 9999', () => {
    fc.assert(
      fc.property(fc.integer({ min: -62167219200000, max: 253402300799999 }), (ms) => {
        const d = new Date(ms);
        expect(utcParts(ms)).toEqual({
          year: d.getUTCFullYear(),
          month: d.getUTCMonth() + 1,
          day: d.getUTCDate(),
          hour: d.getUTCHours(),
          minute: d.getUTCMinutes(),
          second: d.getUTCSeconds(),
          millisecond: d.getUTCMilliseconds(),
        });
        expect(utcMs(utcParts(ms))).toBe(ms);
        if (d.getUTCFullYear() >= 1000) expect(isoTime(ms)).toBe(d.toISOString().replace('.000Z', 'Z'));
      }),
    );
  });

  it('reads UTCTime years 50–99 as 19YY and 00–49 as 20YY (RFC 5280 §4.1.2.5.1)', () => {
    expect(parseAsn1Time('500101000000Z', 'UTCTime')).toBe(Date.UTC(1950, 0, 1));
    expect(parseAsn1Time('491231235959Z', 'UTCTime')).toBe(Date.UTC(2049, 11, 31, 23, 59, 59));
    expect(parseAsn1Time('240229000000Z', 'UTCTime')).toBe(Date.UTC(2024, 1, 29));
    expect(parseAsn1Time('230229000000Z', 'UTCTime')).toBeUndefined();
    expect(parseAsn1Time('240101000000+0100', 'UTCTime')).toBeUndefined();
  });

  it('reads two\'s complement INTEGER contents', () => {
    expect(integerValue(fromHex('ff7f'))).toBe(-129n);
    expect(integerValue(fromHex('0080'))).toBe(128n);
  });
});
