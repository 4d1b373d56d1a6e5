/**
 * The shared TLS codecs: records, handshake framing, alerts, extensions, ClientHello, ServerHello
 * and Finished. Known-answer tests use RFC 8448 §3's messages as published; spans are hand-counted
 * from those bytes; every decoder is fed arbitrary and mutated bytes (decode or DecodeError).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DecodeError } from '../bytes/errors.ts';
import { concat, toHex } from '../bytes/hex.ts';
import { loadRfc8448Section3, rfcValue } from '../../../test/support/rfc8448.ts';
import { decodeAlert, encodeAlert } from './alerts.ts';
import { describeVersion, ExtensionType, HELLO_RETRY_REQUEST_RANDOM, isGrease } from './constants.ts';
import * as ext from './extensions/index.ts';
import { HandshakeReassembler } from './handshake.ts';
import { decodeClientHello, encodeClientHello, type ClientHello } from './messages/client-hello.ts';
import { decodeFinished, encodeFinished } from './messages/finished.ts';
import {
  decodeServerHello,
  downgradeSentinel,
  encodeServerHello,
  isHelloRetryRequest,
  type ServerHello,
} from './messages/server-hello.ts';
import { decodeRecord, encodeRecord, RecordOverflowError, RecordReassembler } from './record.ts';

const rfc = loadRfc8448Section3();
const CH = rfcValue(rfc, 'client', 'construct a ClientHello', 'ClientHello');
const SH = rfcValue(rfc, 'server', 'construct a ServerHello', 'ServerHello');

/** Run `decode`; anything but success or DecodeError fails the property. */
function decodesOrDecodeError(decode: (b: Uint8Array) => unknown) {
  return (bytes: Uint8Array) => {
    try {
      decode(bytes);
    } catch (e) {
      if (!(e instanceof DecodeError)) throw e;
      expect(typeof e.offset).toBe('number');
      expect(e.field.length).toBeGreaterThan(0);
    }
  };
}

/** Valid bytes with one byte changed, or cut short, or with bytes appended: reaches deep into decoders. */
const mutated = (valid: Uint8Array) =>
  fc.oneof(
    fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 1, max: 255 })).map(([i, x]) => {
      const b = valid.slice();
      b[i] ^= x;
      return b;
    }),
    fc.nat(valid.length).map((n) => valid.slice(0, n)),
    fc.uint8Array({ minLength: 1, maxLength: 8 }).map((extra) => concat(valid, extra)),
  );

const u16 = fc.integer({ min: 0, max: 0xffff });
const bytes = (min: number, max: number) => fc.uint8Array({ minLength: min, maxLength: max });
/** Extension types no decoder knows, so any body round-trips. */
const unknownExtension = fc.record({
  extensionType: fc.integer({ min: 0x1000, max: 0x3fff }),
  extensionData: bytes(0, 40),
});

describe('ClientHello (RFC 8446 §4.1.2)', () => {
  it('decodes the RFC 8448 ClientHello and encodes it back byte for byte', () => {
    const { message } = decodeClientHello(CH);
    expect(toHex(encodeClientHello(message))).toBe(toHex(CH));
    expect(message.cipherSuites).toEqual([0x1301, 0x1303, 0x1302]);
    expect(message.extensions!.map((e) => e.extensionType)).toEqual([0, 0xff01, 10, 35, 51, 43, 13, 45, 28]);
  });

  it('records each field under its RFC name with hand-counted spans and named values', () => {
    const { fields } = decodeClientHello(CH);
    // Hand-counted from RFC 8448: 01 | 0000c0 | 0303 | random(32) | 00 | 0006 130113031302 | 01 00 | 0091 ...
    expect(fields.map((f) => [f.name, f.start, f.end])).toEqual([
      ['msg_type', 0, 1],
      ['length', 1, 4],
      ['legacy_version', 4, 6],
      ['random', 6, 38],
      ['legacy_session_id', 38, 39],
      ['cipher_suites', 39, 47],
      ['legacy_compression_methods', 47, 49],
      ['extensions', 49, 196],
    ]);
    expect(fields[0].value).toBe('client_hello (1)');
    expect(fields[2].value).toBe('0x0303 (TLS 1.2)');
    expect(fields[5].children!.slice(1).map((f) => f.value)).toEqual([
      'TLS_AES_128_GCM_SHA256',
      'TLS_CHACHA20_POLY1305_SHA256',
      'TLS_AES_256_GCM_SHA384',
    ]);
    const keyShare = fields[7].children!.find((f) => f.name === 'key_share')!;
    expect([keyShare.start, keyShare.end, keyShare.value]).toEqual([99, 141, 'x25519']);
    const sv = fields[7].children!.find((f) => f.name === 'supported_versions')!;
    expect(sv.value).toBe('0x0304 (TLS 1.3)');
  });

  it('round-trips arbitrary ClientHellos', () => {
    const hello = fc.record({
      legacyVersion: u16,
      random: bytes(32, 32),
      legacySessionId: bytes(0, 32),
      cipherSuites: fc.array(u16, { minLength: 1, maxLength: 40 }),
      legacyCompressionMethods: bytes(1, 4),
      extensions: fc.option(fc.array(unknownExtension, { maxLength: 6 }), { nil: undefined }),
    });
    fc.assert(
      fc.property(hello, (ch) => {
        // A hello without an extensions block decodes without the property, as it was built.
        const c: ClientHello = { ...ch };
        if (c.extensions === undefined) delete c.extensions;
        expect(decodeClientHello(encodeClientHello(c)).message).toEqual(c);
      }),
    );
  });

  it('either decodes arbitrary or mutated bytes or raises DecodeError', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), decodesOrDecodeError(decodeClientHello)));
    fc.assert(fc.property(mutated(CH), decodesOrDecodeError(decodeClientHello)), { numRuns: 2000 });
  });
});

describe('ServerHello and HelloRetryRequest (RFC 8446 §4.1.3, §4.1.4)', () => {
  it('decodes the RFC 8448 ServerHello with hand-counted spans and encodes it back', () => {
    const { message, fields } = decodeServerHello(SH);
    expect(toHex(encodeServerHello(message))).toBe(toHex(SH));
    expect(fields.map((f) => [f.name, f.start, f.end, f.value ?? ''])).toEqual([
      ['msg_type', 0, 1, 'server_hello (2)'],
      ['length', 1, 4, '86'],
      ['legacy_version', 4, 6, '0x0303 (TLS 1.2)'],
      ['random', 6, 38, 'a6af06a4121860dc5e6e60249cd34c95930c8ac5cb1434dac155772ed3e26928'],
      ['legacy_session_id_echo', 38, 39, ''],
      ['cipher_suite', 39, 41, 'TLS_AES_128_GCM_SHA256'],
      ['legacy_compression_method', 41, 42, '0'],
      ['extensions', 42, 90, ''],
    ]);
    expect(isHelloRetryRequest(message)).toBe(false);
  });

  it('recognises the HelloRetryRequest random, SHA-256("HelloRetryRequest")', async () => {
    // RFC 8446 §4.1.3 gives the value; check it is what the text says it is.
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode('HelloRetryRequest')));
    expect(toHex(HELLO_RETRY_REQUEST_RANDOM)).toBe(toHex(digest));
    const hrr: ServerHello = {
      legacyVersion: 0x0303,
      random: HELLO_RETRY_REQUEST_RANDOM,
      legacySessionIdEcho: new Uint8Array(0),
      cipherSuite: 0x1301,
      legacyCompressionMethod: 0,
      extensions: [
        { extensionType: ExtensionType.key_share, extensionData: ext.encodeKeyShareHelloRetryRequest(0x0017) },
      ],
    };
    const { message, fields } = decodeServerHello(encodeServerHello(hrr));
    expect(isHelloRetryRequest(message)).toBe(true);
    expect(fields[3].value).toBe('HelloRetryRequest (SHA-256 of "HelloRetryRequest")');
    expect(fields[7].children![1].value).toBe('secp256r1');
  });

  it('spots both downgrade sentinels (RFC 8446 §4.1.3)', () => {
    const r = (tail: number[]) => concat(new Uint8Array(24), Uint8Array.from(tail));
    expect(downgradeSentinel(r([0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44, 0x01]))).toBe('TLS 1.2');
    expect(downgradeSentinel(r([0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44, 0x00]))).toBe('TLS 1.1');
    expect(downgradeSentinel(r([0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44, 0x02]))).toBeNull();
  });

  it('round-trips arbitrary ServerHellos and survives arbitrary bytes', () => {
    const hello = fc.record({
      legacyVersion: u16,
      random: bytes(32, 32),
      legacySessionIdEcho: bytes(0, 32),
      cipherSuite: u16,
      legacyCompressionMethod: fc.integer({ min: 0, max: 255 }),
      extensions: fc.array(unknownExtension, { maxLength: 6 }),
    });
    fc.assert(
      fc.property(hello, (sh) => {
        expect(decodeServerHello(encodeServerHello(sh)).message).toEqual(sh);
      }),
    );
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), decodesOrDecodeError(decodeServerHello)));
    fc.assert(fc.property(mutated(SH), decodesOrDecodeError(decodeServerHello)), { numRuns: 2000 });
  });
});

describe('Finished (RFC 8446 §4.4.4)', () => {
  it('round-trips and survives arbitrary bytes', () => {
    fc.assert(
      fc.property(bytes(0, 64), (verifyData) => {
        expect(decodeFinished(encodeFinished({ verifyData })).message.verifyData).toEqual(verifyData);
      }),
    );
    fc.assert(fc.property(fc.uint8Array({ maxLength: 80 }), decodesOrDecodeError(decodeFinished)));
  });
});

describe('extensions (RFC 8446 §4.2)', () => {
  it('each codec round-trips', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z0-9.-]{1,60}$/), (name) => {
        expect(ext.decodeServerName(ext.encodeServerName(name))).toEqual([name]);
      }),
    );
    fc.assert(
      fc.property(fc.array(u16, { minLength: 1, maxLength: 30 }), (g) => {
        expect(ext.decodeSupportedGroups(ext.encodeSupportedGroups(g))).toEqual(g);
      }),
    );
    fc.assert(
      fc.property(fc.array(u16, { minLength: 1, maxLength: 30 }), (s) => {
        expect(ext.decodeSignatureAlgorithms(ext.encodeSignatureAlgorithms(s))).toEqual(s);
      }),
    );
    fc.assert(
      fc.property(fc.array(u16, { minLength: 1, maxLength: 127 }), (v) => {
        expect(ext.decodeSupportedVersionsClientHello(ext.encodeSupportedVersionsClientHello(v))).toEqual(v);
      }),
    );
    fc.assert(
      fc.property(u16, (v) => {
        expect(ext.decodeSupportedVersionsServerHello(ext.encodeSupportedVersionsServerHello(v))).toBe(v);
      }),
    );
    const entry = fc.record({ group: u16, keyExchange: bytes(1, 70) });
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 4 }), (e) => {
        expect(ext.decodeKeyShareClientHello(ext.encodeKeyShareClientHello(e))).toEqual(e);
      }),
    );
    fc.assert(
      fc.property(entry, (e) => {
        expect(ext.decodeKeyShareServerHello(ext.encodeKeyShareServerHello(e))).toEqual(e);
      }),
    );
    fc.assert(
      fc.property(u16, (g) => {
        expect(ext.decodeKeyShareHelloRetryRequest(ext.encodeKeyShareHelloRetryRequest(g))).toBe(g);
      }),
    );
    fc.assert(
      fc.property(bytes(1, 100), (c) => {
        expect(ext.decodeCookie(ext.encodeCookie(c))).toEqual(c);
      }),
    );
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 10 }), (m) => {
        expect(ext.decodePskKeyExchangeModes(ext.encodePskKeyExchangeModes(m))).toEqual(m);
      }),
    );
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^[a-z0-9/.]{1,20}$/), { minLength: 1, maxLength: 5 }), (p) => {
        expect(ext.decodeAlpn(ext.encodeAlpn(p))).toEqual(p);
      }),
    );
    fc.assert(
      fc.property(u16, (l) => {
        expect(ext.decodeRecordSizeLimit(ext.encodeRecordSizeLimit(l))).toBe(l);
      }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), (n) => {
        expect(ext.decodeEarlyDataNewSessionTicket(ext.encodeEarlyDataNewSessionTicket(n))).toBe(n);
      }),
    );
  });

  it('each decoder either decodes arbitrary bytes or raises DecodeError', () => {
    const decoders = [
      ext.decodeServerName,
      ext.decodeSupportedGroups,
      ext.decodeSignatureAlgorithms,
      ext.decodeSupportedVersionsClientHello,
      ext.decodeSupportedVersionsServerHello,
      ext.decodeKeyShareClientHello,
      ext.decodeKeyShareServerHello,
      ext.decodeKeyShareHelloRetryRequest,
      ext.decodeCookie,
      ext.decodePskKeyExchangeModes,
      ext.decodeAlpn,
      ext.decodeRecordSizeLimit,
      ext.decodeEarlyDataNewSessionTicket,
    ];
    for (const decode of decoders)
      fc.assert(fc.property(fc.uint8Array({ maxLength: 80 }), decodesOrDecodeError(decode)), { numRuns: 300 });
  });

  it('rejects a key_share entry whose key_exchange overruns, naming the field', () => {
    // 0006 (client_shares length) 001d 0020 (a 32-byte key announced) then 2 bytes.
    expect(() => ext.decodeKeyShareClientHello(Uint8Array.from([0, 6, 0, 0x1d, 0, 0x20, 1, 2]))).toThrow(
      /field key_exchange/,
    );
  });

  it('finds duplicates and knows GREASE (RFC 8701)', () => {
    expect(
      ext.duplicateExtensionType([
        { extensionType: 10, extensionData: new Uint8Array(0) },
        { extensionType: 10, extensionData: new Uint8Array(0) },
      ]),
    ).toBe(10);
    expect([0x0a0a, 0x1a1a, 0xfafa].every(isGrease)).toBe(true);
    expect([0x0a1a, 0x0303, 0x1301].some(isGrease)).toBe(false);
    expect(describeVersion(0x7a7a)).toBe('0x7a7a (GREASE)');
  });
});

describe('alerts (RFC 8446 §6)', () => {
  it('encodes and decodes a fatal bad_record_mac', () => {
    expect(toHex(encodeAlert({ level: 2, description: 20 }))).toBe('0214');
    const { alert, fields } = decodeAlert(Uint8Array.from([2, 20]));
    expect(alert).toEqual({ level: 2, description: 20 });
    expect(fields.map((f) => f.value)).toEqual(['fatal (2)', 'bad_record_mac (20)']);
    fc.assert(fc.property(fc.uint8Array({ maxLength: 4 }), decodesOrDecodeError(decodeAlert)));
  });
});

describe('records (RFC 8446 §5.1) and their reassembly', () => {
  it('decodes a record header with spans and names', () => {
    const { record, fields, end } = decodeRecord(Uint8Array.from([0x16, 0x03, 0x01, 0x00, 0x02, 0xaa, 0xbb]));
    expect(record).toEqual({ type: 22, legacyRecordVersion: 0x0301, fragment: Uint8Array.from([0xaa, 0xbb]) });
    expect(end).toBe(7);
    expect(fields.map((f) => [f.name, f.start, f.end, f.value])).toEqual([
      ['type', 0, 1, 'handshake (22)'],
      ['legacy_record_version', 1, 3, '0x0301 (TLS 1.0)'],
      ['length', 3, 5, '2'],
      ['fragment', 5, 7, 'aabb'],
    ]);
    const enc = decodeRecord(Uint8Array.from([0x17, 0x03, 0x03, 0x00, 0x01, 0xcc]), { protectedRecord: true });
    expect(enc.fields.map((f) => f.name)).toEqual([
      'opaque_type',
      'legacy_record_version',
      'length',
      'encrypted_record',
    ]);
    fc.assert(fc.property(fc.uint8Array({ maxLength: 40 }), decodesOrDecodeError(decodeRecord)));
  });

  it('hands out whole records whatever the read boundaries', () => {
    const record = fc.record({
      type: fc.constantFrom(20, 21, 22, 23),
      legacyRecordVersion: fc.constant(0x0303),
      fragment: bytes(0, 300),
    });
    fc.assert(
      fc.property(
        fc.array(record, { minLength: 1, maxLength: 5 }),
        fc.array(fc.nat(2000), { maxLength: 8 }),
        (records, cuts) => {
          const stream = concat(...records.map(encodeRecord));
          const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b);
          const r = new RecordReassembler();
          const out: string[] = [];
          let from = 0;
          for (const to of [...points, stream.length]) {
            r.push(stream.subarray(from, to));
            from = to;
            for (let rec = r.next(); rec; rec = r.next()) out.push(toHex(rec));
          }
          expect(out).toEqual(records.map((x) => toHex(encodeRecord(x))));
          expect(r.pending).toBe(0);
        },
      ),
    );
  });

  it('reports a record length beyond 2^14 + 256 at once, as record_overflow material', () => {
    const r = new RecordReassembler();
    r.push(Uint8Array.from([0x17, 0x03, 0x03, 0x41, 0x01]));
    expect(() => r.next()).toThrow(RecordOverflowError);
  });

  it('reassembles handshake messages split across and packed into fragments', () => {
    fc.assert(
      fc.property(
        fc.array(bytes(0, 200), { minLength: 1, maxLength: 4 }),
        fc.array(fc.nat(1000), { maxLength: 6 }),
        (bodies, cuts) => {
          const messages = bodies.map((b) => concat(Uint8Array.of(8, 0, b.length >> 8, b.length & 0xff), b));
          const stream = concat(...messages);
          const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b);
          const h = new HandshakeReassembler();
          const out: string[] = [];
          let from = 0;
          for (const to of [...points, stream.length]) {
            h.push(stream.subarray(from, to));
            from = to;
            for (let m = h.next(); m; m = h.next()) out.push(toHex(m));
          }
          expect(out).toEqual(messages.map((m) => toHex(m)));
        },
      ),
    );
  });
});
