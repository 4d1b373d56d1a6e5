/**
 * The TLS 1.3 message codecs on RFC 8448 §3's messages as published (decode, re-encode, spans
 * hand-counted from the RFC's bytes), on arbitrary values (round trips) and on arbitrary and
 * mutated bytes (decode or DecodeError, nothing else).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DecodeError } from '../../bytes/errors.ts';
import { concat, toHex } from '../../bytes/hex.ts';
import { loadRfc8448Section3, rfcValue } from '../../../../test/support/rfc8448.ts';
import { decodeFinished, encodeFinished } from '../../tls/messages/finished.ts';
import {
  decodeCertificate,
  decodeCertificateRequest,
  decodeCertificateVerify,
  decodeEncryptedExtensions,
  decodeKeyUpdate,
  decodeNewSessionTicket,
  decodeTls13Message,
  encodeCertificate,
  encodeCertificateRequest,
  encodeCertificateVerify,
  encodeEncryptedExtensions,
  encodeKeyUpdate,
  encodeNewSessionTicket,
} from './index.ts';

const rfc = loadRfc8448Section3();
const message = (op: string, name: string) => rfcValue(rfc, 'server', op, name);
const EE = message('construct an EncryptedExtensions', 'EncryptedExtensions');
const CERT = message('construct a Certificate', 'Certificate');
const CV = message('construct a CertificateVerify', 'CertificateVerify');
const FIN = message('construct a Finished', 'Finished');
const NST = message('construct a NewSessionTicket', 'NewSessionTicket');

const decodesOrDecodeError = (decode: (b: Uint8Array) => unknown) => (bytes: Uint8Array) => {
  try {
    decode(bytes);
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e;
  }
};

const mutated = (valid: Uint8Array) =>
  fc.oneof(
    fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 1, max: 255 })).map(([i, x]) => {
      const b = valid.slice();
      b[i] ^= x;
      return b;
    }),
    fc.nat(valid.length).map((n) => valid.slice(0, n)),
  );

const bytes = (min: number, max: number) => fc.uint8Array({ minLength: min, maxLength: max });
const unknownExtension = fc.record({
  extensionType: fc.integer({ min: 0x1000, max: 0x3fff }),
  extensionData: bytes(0, 30),
});

describe('RFC 8448 §3 messages decode and re-encode byte for byte', () => {
  it('EncryptedExtensions: supported_groups, record_size_limit, server_name', () => {
    const { message: ee, fields } = decodeEncryptedExtensions(EE);
    expect(toHex(encodeEncryptedExtensions(ee))).toBe(toHex(EE));
    expect(fields[2].children!.slice(1).map((f) => [f.name, f.start, f.end])).toEqual([
      ['supported_groups', 6, 30],
      ['record_size_limit', 30, 36],
      ['server_name', 36, 40],
    ]);
  });

  it('Certificate: an empty context and one entry with no extensions', () => {
    const { message: c, fields } = decodeCertificate(CERT);
    expect(toHex(encodeCertificate(c))).toBe(toHex(CERT));
    expect(c.certificateRequestContext.length).toBe(0);
    expect(c.certificateList.map((e) => [e.certData.length, e.extensions.length])).toEqual([[432, 0]]);
    // 0b | 0001b9 | 00 | 0001b5 | [ 0001b0 cert(432) | 0000 ]
    expect(fields.map((f) => [f.name, f.start, f.end])).toEqual([
      ['msg_type', 0, 1],
      ['length', 1, 4],
      ['certificate_request_context', 4, 5],
      ['certificate_list', 5, 445],
    ]);
    expect(fields[3].children![1]).toMatchObject({ name: 'CertificateEntry', start: 8, end: 445, value: 'leaf' });
  });

  it('CertificateVerify: rsa_pss_rsae_sha256 and a 128-byte signature', () => {
    const { message: cv, fields } = decodeCertificateVerify(CV);
    expect(toHex(encodeCertificateVerify(cv))).toBe(toHex(CV));
    expect(fields.slice(2).map((f) => [f.name, f.start, f.end, f.value ?? ''])).toEqual([
      ['algorithm', 4, 6, 'rsa_pss_rsae_sha256'],
      ['signature', 6, 136, ''],
    ]);
  });

  it('Finished: 32 bytes of verify_data', () => {
    const { message: f } = decodeFinished(FIN);
    expect(f.verifyData.length).toBe(32);
    expect(toHex(encodeFinished(f))).toBe(toHex(FIN));
  });

  it('NewSessionTicket: lifetime, age_add, nonce, ticket and early_data', () => {
    const { message: t, fields } = decodeNewSessionTicket(NST);
    expect(toHex(encodeNewSessionTicket(t))).toBe(toHex(NST));
    expect(fields.slice(2).map((f) => [f.name, f.start, f.end, f.value ?? ''])).toEqual([
      ['ticket_lifetime', 4, 8, '30 s'],
      ['ticket_age_add', 8, 12, '0xfad6aac5'],
      ['ticket_nonce', 12, 15, ''],
      ['ticket', 15, 195, ''],
      ['extensions', 195, 205, ''],
    ]);
    expect(fields[6].children![1]).toMatchObject({ name: 'early_data', value: '1024' });
  });

  it('decodeTls13Message tags each by name', () => {
    expect([EE, CERT, CV, FIN, NST].map((m) => decodeTls13Message(m).name)).toEqual([
      'EncryptedExtensions',
      'Certificate',
      'CertificateVerify',
      'Finished',
      'NewSessionTicket',
    ]);
    // A TLS 1.2 ServerHelloDone: well framed, not a TLS 1.3 message.
    expect(decodeTls13Message(Uint8Array.from([14, 0, 0, 0])).name).toBe('Unknown');
  });
});

describe('round trips of arbitrary messages', () => {
  it('EncryptedExtensions, Certificate, CertificateVerify, CertificateRequest, NewSessionTicket, KeyUpdate', () => {
    fc.assert(
      fc.property(fc.array(unknownExtension, { maxLength: 5 }), (extensions) => {
        expect(decodeEncryptedExtensions(encodeEncryptedExtensions({ extensions })).message).toEqual({ extensions });
      }),
    );
    const entry = fc.record({ certData: bytes(1, 60), extensions: fc.array(unknownExtension, { maxLength: 2 }) });
    fc.assert(
      fc.property(
        fc.record({ certificateRequestContext: bytes(0, 8), certificateList: fc.array(entry, { maxLength: 4 }) }),
        (c) => {
          expect(decodeCertificate(encodeCertificate(c)).message).toEqual(c);
        },
      ),
    );
    fc.assert(
      fc.property(fc.record({ algorithm: fc.integer({ min: 0, max: 0xffff }), signature: bytes(0, 100) }), (cv) => {
        expect(decodeCertificateVerify(encodeCertificateVerify(cv)).message).toEqual(cv);
      }),
    );
    fc.assert(
      fc.property(
        fc.record({
          certificateRequestContext: bytes(0, 8),
          extensions: fc.array(unknownExtension, { minLength: 1, maxLength: 4 }),
        }),
        (cr) => {
          expect(decodeCertificateRequest(encodeCertificateRequest(cr)).message).toEqual(cr);
        },
      ),
    );
    const nst = fc.record({
      ticketLifetime: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
      ticketAgeAdd: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
      ticketNonce: bytes(0, 20),
      ticket: bytes(1, 100),
      extensions: fc.array(unknownExtension, { maxLength: 3 }),
    });
    fc.assert(
      fc.property(nst, (t) => {
        expect(decodeNewSessionTicket(encodeNewSessionTicket(t)).message).toEqual(t);
      }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 255 }), (requestUpdate) => {
        expect(decodeKeyUpdate(encodeKeyUpdate({ requestUpdate })).message).toEqual({ requestUpdate });
      }),
    );
  });
});

describe('arbitrary and mutated bytes decode or raise DecodeError', () => {
  const decoders: [string, (b: Uint8Array) => unknown, Uint8Array][] = [
    ['EncryptedExtensions', decodeEncryptedExtensions, EE],
    ['Certificate', decodeCertificate, CERT],
    ['CertificateVerify', decodeCertificateVerify, CV],
    [
      'CertificateRequest',
      decodeCertificateRequest,
      encodeCertificateRequest({
        certificateRequestContext: new Uint8Array(0),
        extensions: [{ extensionType: 13, extensionData: Uint8Array.from([0, 2, 4, 3]) }],
      }),
    ],
    ['NewSessionTicket', decodeNewSessionTicket, NST],
    ['KeyUpdate', decodeKeyUpdate, encodeKeyUpdate({ requestUpdate: 1 })],
    ['any TLS 1.3 message', decodeTls13Message, concat(EE)],
  ];
  for (const [name, decode, valid] of decoders) {
    it(name, () => {
      fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), decodesOrDecodeError(decode)), { numRuns: 500 });
      // A valid header in front of arbitrary bytes reaches the body decoders.
      const framed = fc.uint8Array({ maxLength: 120 }).map((b) => concat(Uint8Array.of(valid[0], 0, 0, b.length), b));
      fc.assert(fc.property(framed, decodesOrDecodeError(decode)), { numRuns: 1000 });
      fc.assert(fc.property(mutated(valid), decodesOrDecodeError(decode)), { numRuns: 1000 });
    });
  }
  it('names the field and offset where a Certificate stops making sense', () => {
    const broken = CERT.slice();
    broken[9] = 0xff; // cert_data's length, 0x0001b0 at 8..11, becomes 0x00ffb0: past the list's end
    expect(() => decodeCertificate(broken)).toThrow(DecodeError);
    try {
      decodeCertificate(broken);
    } catch (e) {
      expect((e as DecodeError).field).toBe('cert_data');
      expect((e as DecodeError).offset).toBe(11);
    }
  });
});
