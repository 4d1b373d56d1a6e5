/**
 * Key and signature formats the provider writes and reads by hand:
 * - PKCS#8 PrivateKeyInfo (RFC 5208 §5, RFC 5958 §2) and SubjectPublicKeyInfo (RFC 5280 §4.1.2.7);
 * - RSA keys inside them (RFC 8017 A.1, algorithm rsaEncryption with NULL parameters, RFC 3279 §2.3.1);
 * - P-256 keys inside them (RFC 5480 §2.1.1 named curve; ECPrivateKey, RFC 5915 §3);
 * - X25519 private keys (RFC 8410 §7);
 * - ECDSA-Sig-Value (RFC 3279 §2.2.3), which TLS puts on the wire (RFC 8446 §4.2.3), against
 *   WebCrypto's IEEE P1363 r ‖ s.
 *
 * Decoders throw DecodeError (with offset and field) and nothing else.
 */
import { DecodeError, fromHex } from '../protocol/bytes/index.ts';
import { bigIntToBytes, bytesToBigInt } from './bigint.ts';
import {
  DerReader,
  encodeBigInteger,
  encodeBitString,
  encodeSequence,
  encodeTlv,
  encodeUnsignedInteger,
  oidToString,
  TAG,
} from './der.ts';

/** OBJECT IDENTIFIER contents (the bytes after tag and length). */
export const OID = {
  /** 1.2.840.113549.1.1.1, RFC 8017 A.1 */
  rsaEncryption: '2a864886f70d010101',
  /** 1.2.840.10045.2.1, RFC 5480 §2.1.1 */
  idEcPublicKey: '2a8648ce3d0201',
  /** 1.2.840.10045.3.1.7 (secp256r1), RFC 5480 §2.1.1.1 */
  prime256v1: '2a8648ce3d030107',
  /** 1.3.101.110, RFC 8410 §3 */
  idX25519: '2b656e',
} as const;

const oid = (hex: string): Uint8Array => encodeTlv(TAG.OBJECT_IDENTIFIER, fromHex(hex));
const sameOid = (a: Uint8Array, hex: string): boolean => {
  const b = fromHex(hex);
  return a.length === b.length && a.every((x, i) => x === b[i]);
};

// ---------------------------------------------------------------------------------------------
// ECDSA signatures

/** ECDSA: P1363 r ‖ s (WebCrypto's form) to the DER `ECDSA-Sig-Value` TLS puts on the wire. */
export function p1363ToDer(sig: Uint8Array): Uint8Array {
  if (sig.length === 0 || sig.length % 2 !== 0)
    throw new Error(`ECDSA: a P1363 signature has an even, non-zero length, not ${sig.length}`);
  const half = sig.length / 2;
  return encodeSequence(encodeUnsignedInteger(sig.subarray(0, half)), encodeUnsignedInteger(sig.subarray(half)));
}

/**
 * DER `ECDSA-Sig-Value` to P1363 r ‖ s with `size` bytes each; null when it is not strict DER
 * (a verifier that accepted BER variants would make signatures malleable) or a value exceeds `size`.
 * Never throws.
 */
export function derToP1363(der: Uint8Array, size: number): Uint8Array | null {
  try {
    const top = new DerReader(der);
    const seq = top.readSequence('ECDSA-Sig-Value');
    top.expectEnd('ECDSA-Sig-Value');
    const r = seq.readUnsignedIntegerBytes('r');
    const s = seq.readUnsignedIntegerBytes('s');
    seq.expectEnd('ECDSA-Sig-Value');
    if (r.length > size || s.length > size) return null;
    const out = new Uint8Array(2 * size);
    out.set(r, size - r.length);
    out.set(s, 2 * size - s.length);
    return out;
  } catch (e) {
    if (e instanceof DecodeError) return null;
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------
// PKCS#8 and SPKI framing

function encodePkcs8(algorithm: Uint8Array, privateKey: Uint8Array): Uint8Array {
  return encodeSequence(encodeBigInteger(0n), algorithm, encodeTlv(TAG.OCTET_STRING, privateKey));
}

function encodeSpki(algorithm: Uint8Array, publicKey: Uint8Array): Uint8Array {
  return encodeSequence(algorithm, encodeBitString(publicKey));
}

interface AlgorithmIdentifier {
  algorithm: Uint8Array;
  /** the parameters field, still encoded; absent when empty */
  parameters: DerReader;
}

function readAlgorithmIdentifier(r: DerReader): AlgorithmIdentifier {
  const seq = r.readSequence('AlgorithmIdentifier');
  return { algorithm: seq.readOid('algorithm'), parameters: seq };
}

/** PrivateKeyInfo / OneAsymmetricKey: the algorithm and the privateKey octets. */
function decodePkcs8(der: Uint8Array): { alg: AlgorithmIdentifier; privateKey: Uint8Array; privateKeyOffset: number } {
  const top = new DerReader(der);
  const info = top.readSequence('PrivateKeyInfo');
  top.expectEnd('PrivateKeyInfo');
  const version = info.readSmallInteger('version');
  if (version !== 0 && version !== 1) throw new DecodeError(`PKCS#8 version ${version} is unknown`, 0, 'version');
  const alg = readAlgorithmIdentifier(info);
  const { value: privateKey, offset: privateKeyOffset } = info.readTlv(TAG.OCTET_STRING, 'privateKey');
  // RFC 5958: [0] attributes, [1] publicKey may follow; the provider does not need them.
  if (info.peekTag() === 0xa0) info.readTlv(0xa0, 'attributes');
  if (info.peekTag() === 0x81) info.readTlv(0x81, 'publicKey');
  info.expectEnd('PrivateKeyInfo');
  return { alg, privateKey, privateKeyOffset };
}

function decodeSpki(der: Uint8Array): { alg: AlgorithmIdentifier; publicKey: Uint8Array; publicKeyOffset: number } {
  const top = new DerReader(der);
  const spki = top.readSequence('SubjectPublicKeyInfo');
  top.expectEnd('SubjectPublicKeyInfo');
  const alg = readAlgorithmIdentifier(spki);
  const { value, offset } = spki.readTlv(TAG.BIT_STRING, 'subjectPublicKey');
  if (value.length === 0 || value[0] !== 0) {
    throw new DecodeError('a public key is a BIT STRING of whole octets', offset, 'subjectPublicKey');
  }
  // The key's octets start after the unused-bits octet.
  const publicKey = value.subarray(1);
  const publicKeyOffset = offset + 1;
  spki.expectEnd('SubjectPublicKeyInfo');
  return { alg, publicKey, publicKeyOffset };
}

/** Which key a PKCS#8 or SPKI holds, by its algorithm OID: `rsa`, `ec-p256`, `x25519`, or the dotted OID. */
export function keyAlgorithmOf(der: Uint8Array, form: 'pkcs8' | 'spki'): string {
  const { alg } = form === 'pkcs8' ? decodePkcs8(der) : decodeSpki(der);
  if (sameOid(alg.algorithm, OID.rsaEncryption)) return 'rsa';
  if (sameOid(alg.algorithm, OID.idX25519)) return 'x25519';
  if (sameOid(alg.algorithm, OID.idEcPublicKey)) {
    const curve = alg.parameters.atEnd ? undefined : alg.parameters.readOid('namedCurve');
    return curve && sameOid(curve, OID.prime256v1) ? 'ec-p256' : 'ec-' + (curve ? oidToString(curve) : 'unknown');
  }
  return oidToString(alg.algorithm);
}

// ---------------------------------------------------------------------------------------------
// RSA (RFC 8017 A.1)

export interface RsaPublicKey {
  n: bigint;
  e: bigint;
}

export interface RsaPrivateKey extends RsaPublicKey {
  d: bigint;
  p: bigint;
  q: bigint;
  dP: bigint;
  dQ: bigint;
  qInv: bigint;
}

const rsaAlgorithm = (): Uint8Array => encodeSequence(oid(OID.rsaEncryption), encodeTlv(TAG.NULL));

function checkRsaAlgorithm(alg: AlgorithmIdentifier, offset: number): void {
  if (!sameOid(alg.algorithm, OID.rsaEncryption)) {
    throw new DecodeError(`not an RSA key (algorithm ${oidToString(alg.algorithm)})`, offset, 'algorithm');
  }
  // RFC 3279 §2.3.1: the parameters MUST be NULL; some encoders leave them out, which is harmless.
  if (!alg.parameters.atEnd) alg.parameters.readNull('parameters');
  alg.parameters.expectEnd('AlgorithmIdentifier');
}

/** RSAPrivateKey (two-prime, version 0) wrapped in PKCS#8 with rsaEncryption. */
export function encodeRsaPrivateKeyPkcs8(k: RsaPrivateKey): Uint8Array {
  const rsaPrivateKey = encodeSequence(
    encodeBigInteger(0n),
    ...[k.n, k.e, k.d, k.p, k.q, k.dP, k.dQ, k.qInv].map(encodeBigInteger),
  );
  return encodePkcs8(rsaAlgorithm(), rsaPrivateKey);
}

export function encodeRsaSpki(k: RsaPublicKey): Uint8Array {
  return encodeSpki(rsaAlgorithm(), encodeSequence(encodeBigInteger(k.n), encodeBigInteger(k.e)));
}

export function decodeRsaPrivateKeyPkcs8(der: Uint8Array): RsaPrivateKey {
  const { alg, privateKey, privateKeyOffset } = decodePkcs8(der);
  checkRsaAlgorithm(alg, 0);
  const outer = new DerReader(privateKey, privateKeyOffset);
  const r = outer.readSequence('RSAPrivateKey');
  outer.expectEnd('RSAPrivateKey');
  const version = r.readSmallInteger('version');
  if (version !== 0) throw new DecodeError('multi-prime RSA keys (version 1) are not supported', r.offset, 'version');
  const k: RsaPrivateKey = {
    n: r.readBigInteger('modulus'),
    e: r.readBigInteger('publicExponent'),
    d: r.readBigInteger('privateExponent'),
    p: r.readBigInteger('prime1'),
    q: r.readBigInteger('prime2'),
    dP: r.readBigInteger('exponent1'),
    dQ: r.readBigInteger('exponent2'),
    qInv: r.readBigInteger('coefficient'),
  };
  r.expectEnd('RSAPrivateKey');
  if (k.n === 0n || k.p === 0n || k.q === 0n)
    throw new DecodeError('RSA key with a zero modulus or prime', 0, 'RSAPrivateKey');
  return k;
}

export function decodeRsaSpki(der: Uint8Array): RsaPublicKey {
  const { alg, publicKey, publicKeyOffset } = decodeSpki(der);
  checkRsaAlgorithm(alg, 0);
  const outer = new DerReader(publicKey, publicKeyOffset);
  const r = outer.readSequence('RSAPublicKey');
  outer.expectEnd('RSAPublicKey');
  const k = { n: r.readBigInteger('modulus'), e: r.readBigInteger('publicExponent') };
  r.expectEnd('RSAPublicKey');
  if (k.n === 0n) throw new DecodeError('RSA key with a zero modulus', 0, 'modulus');
  return k;
}

// ---------------------------------------------------------------------------------------------
// P-256 (RFC 5480, RFC 5915)

const ecP256Algorithm = (): Uint8Array => encodeSequence(oid(OID.idEcPublicKey), oid(OID.prime256v1));

function checkEcP256Algorithm(alg: AlgorithmIdentifier): void {
  if (!sameOid(alg.algorithm, OID.idEcPublicKey)) {
    throw new DecodeError(`not an EC key (algorithm ${oidToString(alg.algorithm)})`, 0, 'algorithm');
  }
  const curve = alg.parameters.readOid('namedCurve');
  if (!sameOid(curve, OID.prime256v1))
    throw new DecodeError(`EC curve ${oidToString(curve)} is not P-256`, 0, 'namedCurve');
  alg.parameters.expectEnd('AlgorithmIdentifier');
}

/** PKCS#8 holding an ECPrivateKey (version 1, the 32-byte scalar, and the public point in [1]). */
export function encodeEcP256PrivateKeyPkcs8(d: Uint8Array, publicPoint: Uint8Array): Uint8Array {
  if (d.length !== 32) throw new Error('P-256: the private scalar is 32 bytes');
  if (publicPoint.length !== 65) throw new Error('P-256: the public point is 65 bytes (uncompressed)');
  const ecPrivateKey = encodeSequence(
    encodeBigInteger(1n),
    encodeTlv(TAG.OCTET_STRING, d),
    encodeTlv(TAG.CONTEXT_1, encodeBitString(publicPoint)),
  );
  return encodePkcs8(ecP256Algorithm(), ecPrivateKey);
}

export function encodeEcP256Spki(publicPoint: Uint8Array): Uint8Array {
  if (publicPoint.length !== 65) throw new Error('P-256: the public point is 65 bytes (uncompressed)');
  return encodeSpki(ecP256Algorithm(), publicPoint);
}

/** The scalar (32 bytes) and, when the key carries it, the public point. */
export function decodeEcP256PrivateKeyPkcs8(der: Uint8Array): { d: Uint8Array; publicKey?: Uint8Array } {
  const { alg, privateKey, privateKeyOffset } = decodePkcs8(der);
  checkEcP256Algorithm(alg);
  const outer = new DerReader(privateKey, privateKeyOffset);
  const r = outer.readSequence('ECPrivateKey');
  outer.expectEnd('ECPrivateKey');
  if (r.readSmallInteger('version') !== 1) throw new DecodeError('ECPrivateKey version must be 1', r.offset, 'version');
  const raw = r.readOctetString('privateKey');
  if (raw.length === 0 || raw.length > 32)
    throw new DecodeError('a P-256 private key is 32 bytes', r.offset, 'privateKey');
  const d = bigIntToBytes(bytesToBigInt(raw), 32);
  if (r.peekTag() === TAG.CONTEXT_0) {
    const params = r.readConstructed(TAG.CONTEXT_0, 'parameters');
    if (!sameOid(params.readOid('namedCurve'), OID.prime256v1))
      throw new DecodeError('ECPrivateKey curve is not P-256', 0, 'parameters');
    params.expectEnd('parameters');
  }
  let publicKey: Uint8Array | undefined;
  if (r.peekTag() === TAG.CONTEXT_1) {
    const pk = r.readConstructed(TAG.CONTEXT_1, 'publicKey');
    publicKey = pk.readBitStringBytes('publicKey');
    pk.expectEnd('publicKey');
  }
  r.expectEnd('ECPrivateKey');
  return publicKey ? { d, publicKey } : { d };
}

export function decodeEcP256Spki(der: Uint8Array): Uint8Array {
  const { alg, publicKey } = decodeSpki(der);
  checkEcP256Algorithm(alg);
  return publicKey;
}

// ---------------------------------------------------------------------------------------------
// X25519 (RFC 8410)

/** PKCS#8 for a raw X25519 private key (RFC 8410 §7): the fixed prefix, then the 32 bytes. */
export function x25519Pkcs8(raw: Uint8Array): Uint8Array {
  if (raw.length !== 32) throw new Error(`X25519: a private key is 32 bytes, not ${raw.length}`);
  // CurvePrivateKey ::= OCTET STRING, itself inside PrivateKeyInfo.privateKey.
  return encodePkcs8(encodeSequence(oid(OID.idX25519)), encodeTlv(TAG.OCTET_STRING, raw));
}
