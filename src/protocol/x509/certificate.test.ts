import { X509Certificate } from 'node:crypto';
import { rootCertificates } from 'node:tls';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { freshEntropy } from '../../crypto/entropy.ts';
import { createWebCryptoProvider } from '../../crypto/webcrypto-provider.ts';
import * as der from '../asn1/der-writer.ts';
import { DecodeError, UsageError } from '../bytes/errors.ts';
import { type Field, walkFields } from '../bytes/field.ts';
import { fromHex, toHex } from '../bytes/hex.ts';
import type { SigningKey } from '../crypto-provider.ts';
import { verificationScheme } from './algorithms.ts';
import { decodeCertificate, encodeCertificate } from './certificate.ts';
import { decodeCrl, encodeCrl } from './crl.ts';
import { encodeName, formatName } from './name.ts';
import { Oid } from './oids.ts';
import { decodePem } from './pem.ts';
import { makePki } from './pki.ts';
import { validateChain } from './validate.ts';

const provider = createWebCryptoProvider({ entropy: freshEntropy() });
const NOW = Date.UTC(2026, 4, 1, 12, 0, 0);

let ca: SigningKey;
let subjectKey: SigningKey;
let samples: Uint8Array[];
beforeAll(async () => {
  [ca, subjectKey] = await Promise.all([provider.generateSigningKey('ecdsa-p256'), provider.generateSigningKey('ecdsa-p256')]);
  const ec = await makePki(provider, { now: NOW, crl: {} });
  const rsa = await makePki(provider, { now: NOW, root: { key: ca }, intermediate: null, leaf: { keyKind: 'rsa', ipAddresses: ['2001:db8::1'] } });
  samples = [ec.leaf.der, ec.intermediate!.der, ec.root.der, rsa.leaf.der, ec.crls[0]];
});

function find(fields: Field[], name: string): Field {
  const f = [...walkFields(fields)].find((w) => w.field.name === name);
  if (!f) throw new Error(`no field ${name}`);
  return f.field;
}

describe('encodeCertificate / decodeCertificate', () => {
  it('round-trips every value of the spec', async () => {
    const notAfter = Date.UTC(2051, 0, 2, 3, 4, 5); // GeneralizedTime territory
    const bytes = await encodeCertificate(
      {
        serialNumber: fromHex('8001020304'),
        issuer: { C: 'CN', O: 'Issuer Org', CN: 'Issuer' },
        subject: { C: 'CN', ST: '北京', L: 'Beijing', O: '握手实验室', OU: 'Mail', CN: 'mx.example.test' },
        notBefore: NOW + 999, // milliseconds are dropped
        notAfter,
        subjectPublicKeyInfo: subjectKey.spki,
        extensions: {
          basicConstraints: { cA: true, pathLenConstraint: 3 },
          keyUsage: { usages: ['digitalSignature', 'keyCertSign', 'decipherOnly'], critical: false },
          extKeyUsage: { purposes: ['serverAuth', '1.3.6.1.5.5.7.3.17'] },
          subjectAltName: { dnsNames: ['mx.example.test', '*.example.test'], ipAddresses: ['192.0.2.1', '2001:db8::25'], emails: ['postmaster@example.test'], uris: ['https://example.test/'] },
          other: [{ extnID: '1.3.6.1.4.1.55555.7', extnValue: der.utf8String('opaque') }],
        },
      },
      ca,
      provider,
    );
    const c = decodeCertificate(bytes);
    expect(c.tbs.version).toBe(3);
    expect(toHex(c.tbs.serialNumber)).toBe('008001020304'); // a 00 keeps it positive
    expect(formatName(c.tbs.issuer)).toBe('C=CN, O=Issuer Org, CN=Issuer');
    expect(formatName(c.tbs.subject)).toBe('C=CN, ST=北京, L=Beijing, O=握手实验室, OU=Mail, CN=mx.example.test');
    expect(c.tbs.subject.rdns[0][0].valueType).toBe('PrintableString');
    expect(c.tbs.subject.rdns[1][0].valueType).toBe('UTF8String');
    expect(c.tbs.validity).toEqual({ notBefore: NOW, notAfter });
    expect(toHex(c.spki.der)).toBe(toHex(subjectKey.spki));
    expect(c.spki.keyKind).toBe('ecdsa-p256');
    expect(c.signatureAlgorithm.algorithm).toBe(Oid.ecdsa_with_SHA256);
    expect(c.signatureAlgorithm.parameters).toBeUndefined();
    const e = c.extensions;
    expect(e.basicConstraints).toEqual({ cA: true, pathLenConstraint: 3 });
    expect(e.keyUsage).toEqual(['digitalSignature', 'keyCertSign', 'decipherOnly']);
    expect(e.extKeyUsage).toEqual([Oid.serverAuth, '1.3.6.1.5.5.7.3.17']);
    expect(e.subjectAltName).toMatchObject({
      dnsNames: ['mx.example.test', '*.example.test'],
      ipAddresses: ['192.0.2.1', '2001:db8::25'],
      emails: ['postmaster@example.test'],
      uris: ['https://example.test/'],
    });
    expect(e.subjectKeyIdentifier).toHaveLength(20);
    expect(e.authorityKeyIdentifier?.keyIdentifier).toHaveLength(20);
    expect(e.list.map((x) => [x.name ?? x.extnID, x.critical])).toEqual([
      ['basicConstraints', true],
      ['keyUsage', false],
      ['extKeyUsage', false],
      ['subjectKeyIdentifier', false],
      ['authorityKeyIdentifier', false],
      ['subjectAltName', false],
      ['1.3.6.1.4.1.55555.7', false],
    ]);
    expect(toHex(e.list[6].extnValue)).toBe('0c066f7061717565'); // UTF8String "opaque", kept opaque
    expect(await provider.verify('ecdsa_secp256r1_sha256', ca.spki, c.tbsBytes, c.signatureValue)).toBe(true);

    // The notAfter in 2051 is a GeneralizedTime, the notBefore a UTCTime (RFC 5280 §4.1.2.5).
    const nb = find(c.fields, 'notBefore');
    const na = find(c.fields, 'notAfter');
    expect(bytes[nb.start]).toBe(0x17);
    expect(bytes[na.start]).toBe(0x18);
    expect(na.value).toBe('2051-01-02T03:04:05Z');
  });

  it('names each extension\'s parts as RFC 5280 does, with readable values', async () => {
    const pki = await makePki(provider, { now: NOW, leaf: { ipAddresses: ['192.0.2.9'], dnsNames: ['mail.example.test'] } });
    const c = decodeCertificate(pki.leaf.der);
    expect(find(c.fields, 'SubjectAltName').value).toBe('DNS:mail.example.test, IP:192.0.2.9');
    expect(find(c.fields, 'dNSName').value).toBe('mail.example.test');
    expect(find(c.fields, 'iPAddress').value).toBe('192.0.2.9');
    expect(find(c.fields, 'BasicConstraints').value).toBe('CA:FALSE');
    expect(find(c.fields, 'KeyUsage').value).toBe('digitalSignature');
    expect(find(c.fields, 'ExtKeyUsageSyntax').value).toBe('serverAuth, clientAuth');
    expect(find(c.fields, 'version').children![0].value).toBe('v3');
    const ext = [...walkFields(c.fields)].filter((w) => w.field.name === 'Extension').map((w) => w.field.value);
    expect(ext).toEqual(['basicConstraints', 'keyUsage', 'extKeyUsage', 'subjectKeyIdentifier', 'authorityKeyIdentifier', 'subjectAltName']);
    const inter = decodeCertificate(pki.intermediate!.der);
    expect(find(inter.fields, 'BasicConstraints').value).toBe('CA:TRUE, pathlen:0');
    expect(find(inter.fields, 'KeyUsage').value).toBe('digitalSignature, keyCertSign, cRLSign');
  });

  it('refuses a serial number the profile forbids', async () => {
    const spec = { issuer: { CN: 'x' }, subject: { CN: 'x' }, notBefore: NOW, notAfter: NOW + 1000, subjectPublicKeyInfo: ca.spki };
    await expect(encodeCertificate({ ...spec, serialNumber: new Uint8Array(21).fill(1) }, ca, provider)).rejects.toBeInstanceOf(UsageError);
    await expect(encodeCertificate({ ...spec, serialNumber: new Uint8Array(0) }, ca, provider)).rejects.toBeInstanceOf(UsageError);
  });

  it('rejects a certificate that repeats an extension (RFC 5280 §4.2)', async () => {
    const bytes = await encodeCertificate(
      {
        serialNumber: Uint8Array.of(1),
        issuer: { CN: 'x' },
        subject: { CN: 'x' },
        notBefore: NOW,
        notAfter: NOW + 1000,
        subjectPublicKeyInfo: ca.spki,
        extensions: { subjectAltName: { dnsNames: ['a.test'] }, other: [{ extnID: Oid.subjectAltName, extnValue: der.sequence(der.ia5String('b.test', 0x82)) }] },
      },
      ca,
      provider,
    );
    expect(() => decodeCertificate(bytes)).toThrow(/subjectAltName appears twice/);
  });

  const tbsWith = (version: number | undefined, extra: Uint8Array[]): Uint8Array =>
    der.sequence(
      der.sequence(
        ...(version === undefined ? [] : [der.explicit(0, der.integer(version))]),
        der.integer(7),
        der.sequence(der.oid(Oid.ecdsa_with_SHA256)),
        encodeName({ CN: 'i' }),
        der.sequence(der.utcTime(NOW), der.utcTime(NOW + 1000)),
        encodeName({ CN: 's' }),
        ca.spki,
        ...extra,
      ),
      der.sequence(der.oid(Oid.ecdsa_with_SHA256)),
      der.bitString(Uint8Array.of(0x30, 0x00)),
    );

  it('reads a v1 certificate (no version, no extensions)', () => {
    const c = decodeCertificate(tbsWith(undefined, []));
    expect(c.tbs.version).toBe(1);
    expect(c.extensions.list).toEqual([]);
  });

  it('rejects extensions in a certificate that is not v3', () => {
    const ext = der.explicit(3, der.sequence(der.sequence(der.oid(Oid.subjectKeyIdentifier), der.octetString(der.octetString(Uint8Array.of(1))))));
    expect(() => decodeCertificate(tbsWith(0, [ext]))).toThrow(/extensions need version 3/);
    expect(() => decodeCertificate(tbsWith(2, [ext]))).not.toThrow();
  });

  it('accepts an explicitly encoded critical FALSE (as OpenSSL does), though DER would omit it', () => {
    const ext = der.explicit(3, der.sequence(der.sequence(der.oid(Oid.subjectKeyIdentifier), der.boolean(false), der.octetString(der.octetString(Uint8Array.of(1))))));
    expect(decodeCertificate(tbsWith(2, [ext])).extensions.list[0].critical).toBe(false);
  });

  it('rejects trailing bytes after the certificate and a truncated one, naming where', () => {
    const good = samples[0];
    const e1 = (() => {
      try {
        decodeCertificate(Uint8Array.from([...good, 0]));
      } catch (e) {
        return e as DecodeError;
      }
    })()!;
    expect(e1).toBeInstanceOf(DecodeError);
    expect(e1.offset).toBe(good.length);
    expect(() => decodeCertificate(good.slice(0, good.length - 1))).toThrow(DecodeError);
  });
});

describe('certificates from elsewhere', () => {
  // RFC 8448 §3, the server's Certificate message: the certificate it carries (CN=rsa, RSA 1024,
  // sha256WithRSAEncryption, self-signed), copied from the RFC's hex.
  const RFC8448_CERT = fromHex(
    '308201ac30820115a003020102020102300d06092a864886f70d01010b0500300e310c300a0603550403130372736130' +
    '1e170d3136303733303031323335395a170d3236303733303031323335395a300e310c300a0603550403130372736130' +
    '819f300d06092a864886f70d010101050003818d0030818902818100b4bb498f8279303d980836399b36c6988c0c68de' +
    '55e1bdb826d3901a2461eafd2de49a91d015abbc9a95137ace6c1af19eaa6af98c7ced43120998e187a80ee0ccb0524b' +
    '1b018c3e0b63264d449a6d38e22a5fda430846748030530ef0461c8ca9d9efbfae8ea6d1d03e2bd193eff0ab9a8002c4' +
    '7428a6d35a8d88d79f7f1e3f0203010001a31a301830090603551d1304023000300b0603551d0f0404030205a0300d06' +
    '092a864886f70d01010b05000381810085aad2a0e5b9276b908c65f73a7267170618a54c5f8a7b337d2df7a594365417' +
    'f2eae8f8a58c8f8172f9319cf36b7fd6c55b80f21a03015156726096fd335e5e67f2dbf102702e608ccae6bec1fc63a4' +
    '2a99be5c3eb7107c3c54e9b9eb2bd5203b1c3b84e0a8b2f759409ba3eac9d91d402dcc0cc8f8961229ac9187b42b4de1',
  );

  it('decodes the RFC 8448 server certificate and verifies its self-signature through the provider', async () => {
    const c = decodeCertificate(RFC8448_CERT);
    // Values read off the RFC's hex by hand.
    expect(toHex(c.tbs.serialNumber)).toBe('02');
    expect(formatName(c.tbs.subject)).toBe('CN=rsa');
    expect(formatName(c.tbs.issuer)).toBe('CN=rsa');
    expect(c.tbs.validity).toEqual({ notBefore: Date.UTC(2016, 6, 30, 1, 23, 59), notAfter: Date.UTC(2026, 6, 30, 1, 23, 59) });
    expect(c.spki).toMatchObject({ keyKind: 'rsa', rsaModulusBits: 1024 });
    expect(c.extensions.basicConstraints).toEqual({ cA: false });
    expect(c.extensions.keyUsage).toEqual(['digitalSignature', 'keyEncipherment']);
    expect(c.signatureAlgorithm.algorithm).toBe(Oid.sha256WithRSAEncryption);
    expect(await provider.verify('rsa_pkcs1_sha256', c.spki.der, c.tbsBytes, c.signatureValue)).toBe(true);
    // Trusted as itself, it validates for its CN (it has no subjectAltName) within its validity.
    const r = await validateChain(provider, { chain: [RFC8448_CERT], trustAnchors: [RFC8448_CERT], now: Date.UTC(2020, 0, 1), serverName: 'rsa' });
    expect(r.ok).toBe(true);
    const late = await validateChain(provider, { chain: [RFC8448_CERT], trustAnchors: [RFC8448_CERT], now: Date.UTC(2026, 6, 30, 1, 23, 59), serverName: 'rsa' });
    expect(late.error).toMatchObject({ code: 'expired', opensslCode: 10, depth: 0 });
  });

  it("decodes every root of Node's bundled Mozilla store as Node reads it, and verifies their self-signatures", async () => {
    const month = (m: string): number => ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'].indexOf(m);
    const date = (s: string): number => {
      const m = /^(\w{3})\s+(\d+) (\d+):(\d+):(\d+) (\d{4}) GMT$/.exec(s)!;
      return Date.UTC(Number(m[6]), month(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]));
    };
    let verified = 0;
    const unsupported: string[] = [];
    expect(rootCertificates.length).toBeGreaterThan(100);
    for (const pem of rootCertificates) {
      const [block] = decodePem(pem, 'CERTIFICATE');
      const c = decodeCertificate(block.der);
      const node = new X509Certificate(pem);
      expect(BigInt('0x' + toHex(c.tbs.serialNumber))).toBe(BigInt('0x' + node.serialNumber));
      expect(c.tbs.validity.notBefore).toBe(date(node.validFrom));
      expect(c.tbs.validity.notAfter).toBe(date(node.validTo));
      const cn = /^CN=(.*)$/m.exec(node.subject)?.[1]?.replace(/\\(.)/g, '$1');
      if (cn) expect(formatName(c.tbs.subject)).toContain(`CN=${cn}`);
      expect(toHex(c.spki.der)).toBe(toHex(new Uint8Array(node.publicKey.export({ type: 'spki', format: 'der' }))));
      const scheme = verificationScheme(c.signatureAlgorithm, c.spki);
      if ('unsupported' in scheme) {
        unsupported.push(scheme.unsupported);
        continue;
      }
      expect(await provider.verify(scheme.scheme, c.spki.der, c.tbsBytes, c.signatureValue), formatName(c.tbs.subject)).toBe(true);
      verified++;
    }
    // What the provider cannot check: SHA-1 (the project has none), and ECDSA where the hash is
    // not the curve's own (the provider's schemes are TLS 1.3's: P-256 with SHA-256, P-384 with SHA-384).
    expect(unsupported.every((u) => /^sha1WithRSAEncryption$|^ecdsa-with-SHA\d+ with a ecdsa-p\d+ issuer key$/.test(u)), unsupported.join('; ')).toBe(true);
    expect(verified).toBeGreaterThan(100);
  });
});

describe('encodeCrl / decodeCrl', () => {
  it('round-trips a v2 CRL with its entries, reasons and the extensions RFC 5280 §5.2 requires', async () => {
    const issuer = { C: 'CN', O: 'Handshake Lab', CN: 'Issuing CA' };
    const bytes = await encodeCrl(
      {
        issuer,
        thisUpdate: NOW,
        nextUpdate: NOW + 86_400_000,
        crlNumber: 300,
        revoked: [
          { serialNumber: fromHex('0102'), revocationDate: NOW - 1000, reason: 'keyCompromise' },
          { serialNumber: fromHex('ff'), revocationDate: NOW - 2000 },
        ],
      },
      ca,
      provider,
    );
    const crl = decodeCrl(bytes);
    expect(crl.tbs.version).toBe(2);
    expect(formatName(crl.tbs.issuer)).toBe('C=CN, O=Handshake Lab, CN=Issuing CA');
    expect([crl.tbs.thisUpdate, crl.tbs.nextUpdate]).toEqual([NOW, NOW + 86_400_000]);
    expect(crl.tbs.revokedCertificates.map((r) => [toHex(r.serialNumber), r.revocationDate, r.extensions?.reasonCode])).toEqual([
      ['0102', NOW - 1000, 'keyCompromise'],
      ['00ff', NOW - 2000, undefined],
    ]);
    expect(crl.extensions.cRLNumber).toBe(300n);
    expect(crl.extensions.authorityKeyIdentifier?.keyIdentifier).toHaveLength(20);
    expect(await provider.verify('ecdsa_secp256r1_sha256', ca.spki, crl.tbsBytes, crl.signatureValue)).toBe(true);
  });

  it('leaves out revokedCertificates when nothing is revoked (RFC 5280 §5.1.2.6)', async () => {
    const crl = decodeCrl(await encodeCrl({ issuer: { CN: 'x' }, thisUpdate: NOW, revoked: [] }, ca, provider));
    expect(crl.tbs.revokedCertificates).toEqual([]);
    expect(crl.tbs.nextUpdate).toBeUndefined();
    expect([...walkFields(crl.fields)].some((w) => w.field.name === 'revokedCertificates')).toBe(false);
  });
});

describe('validateChain on odd input', () => {
  it('reports an empty chain and an undecodable leaf as decode errors', async () => {
    const empty = await validateChain(provider, { chain: [], trustAnchors: [], now: NOW, serverName: 'x.test' });
    expect(empty.error).toMatchObject({ code: 'decode', opensslCode: null });
    const junk = await validateChain(provider, { chain: [fromHex('3003020101')], trustAnchors: [], now: NOW, serverName: 'x.test' });
    expect(junk.error).toMatchObject({ code: 'decode', opensslCode: null, subject: 'leaf', check: 'x509.chain' });
    expect(junk.checks.at(-1)!.ok).toBe(false);
  });

  it('reports a signature algorithm the provider cannot check as unsupported, not as forged', async () => {
    const pki = await makePki(provider, { now: NOW, intermediate: null });
    // A leaf the root really signs (ECDSA P-256, SHA-256) but labels ecdsa-with-SHA512, for which
    // the provider has no scheme. Without extensions it chains by name and matches by its CN.
    const alg = der.sequence(der.oid(Oid.ecdsa_with_SHA512));
    const tbs = der.sequence(
      der.explicit(0, der.integer(2)),
      der.integer(7),
      alg,
      decodeCertificate(pki.root.der).tbs.subject.der,
      der.sequence(der.utcTime(NOW - 1000), der.utcTime(NOW + 86_400_000)),
      encodeName({ CN: 'mail.example.test' }),
      subjectKey.spki,
    );
    const signature = await provider.sign('ecdsa_secp256r1_sha256', pki.root.key, tbs);
    const cert = der.sequence(tbs, alg, der.bitString(signature));
    const r = await validateChain(provider, { chain: [cert], trustAnchors: pki.trustAnchors, now: NOW, serverName: 'mail.example.test' });
    expect(r.error).toMatchObject({ code: 'unsupported-algorithm', opensslCode: 7, depth: 0 });
    expect(r.checks.at(-1)!.reason).toMatch(/cannot verify ecdsa-with-SHA512/);
  });

  it('checks every certificate of the chain against CRLs with crlCheck "all"', async () => {
    const pki = await makePki(provider, { now: NOW, crl: { revokeLeaf: false } });
    const r = await validateChain(provider, { chain: pki.chain, trustAnchors: pki.trustAnchors, crls: pki.crls, crlCheck: 'all', now: NOW, serverName: 'mail.example.test' });
    // The leaf's CRL is there; the intermediate's issuer (the root) has published none.
    expect(r.error).toMatchObject({ code: 'crl-unavailable', opensslCode: 3, depth: 1, subject: 'intermediate' });
    expect(r.checks.filter((c) => c.id === 'x509.revocation').map((c) => [c.subject, c.ok])).toEqual([
      ['leaf', true],
      ['intermediate', false],
    ]);
  });
});

describe('decoders on arbitrary and damaged input', () => {
  const onlyDecodeErrors = (f: () => unknown): void => {
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(DecodeError);
    }
  };

  it('decodeCertificate and decodeCrl either decode arbitrary bytes or throw DecodeError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        onlyDecodeErrors(() => decodeCertificate(bytes));
        onlyDecodeErrors(() => decodeCrl(bytes));
      }),
      { numRuns: 2000 },
    );
  });

  it('either decodes or throws DecodeError for valid certificates and CRLs with flipped, cut or inserted bytes', () => {
    const mutation = fc.record({
      sample: fc.nat(),
      edits: fc.array(
        fc.oneof(
          fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bits: fc.integer({ min: 1, max: 255 }) }),
          fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
          fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
        ),
        { minLength: 1, maxLength: 4 },
      ),
      cut: fc.option(fc.nat()),
    });
    fc.assert(
      fc.property(mutation, ({ sample, edits, cut }) => {
        const bytes = [...samples[sample % samples.length]];
        for (const e of edits) {
          const at = e.at % (bytes.length + 1);
          if (e.kind === 'flip' && at < bytes.length) bytes[at] ^= e.bits;
          if (e.kind === 'insert') bytes.splice(at, 0, e.byte);
          if (e.kind === 'delete' && at < bytes.length) bytes.splice(at, 1);
        }
        const damaged = Uint8Array.from(cut === null ? bytes : bytes.slice(0, cut % (bytes.length + 1)));
        onlyDecodeErrors(() => decodeCertificate(damaged));
        onlyDecodeErrors(() => decodeCrl(damaged));
      }),
      { numRuns: 3000 },
    );
  });

  it('validateChain never throws on a damaged chain: it reports', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.integer({ min: 1, max: 255 }), fc.nat(), async (at, bits, which) => {
        const chain = [samples[0], samples[1]].map((b) => b.slice());
        const target = chain[which % 2];
        target[at % target.length] ^= bits;
        const r = await validateChain(provider, { chain, trustAnchors: [samples[2]], now: NOW, serverName: 'mail.example.test' });
        expect(typeof r.ok).toBe('boolean');
        if (!r.ok) expect(r.checks.at(-1)!.ok).toBe(false);
      }),
      { numRuns: 150 },
    );
  });
});
