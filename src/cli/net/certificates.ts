/**
 * Certificates for real connections: the probe's trust store (a PEM file, or the Mozilla roots
 * Node ships), and the server's identity (a fresh PKI from makePki for the names it serves, its
 * root written as PEM for the client's -CAfile; or the user's own certificate and key).
 */
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rootCertificates } from 'node:tls';
import { DecodeError } from '../../protocol/bytes/errors.ts';
import type { CryptoProvider, SigningKey } from '../../protocol/crypto-provider.ts';
import { tryDecodeCertificate } from '../../protocol/x509/certificate.ts';
import { decodePem, encodePem } from '../../protocol/x509/pem.ts';
import { makePki } from '../../protocol/x509/pki.ts';
import { UsageError } from '../args.ts';

function readText(path: string, option: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${option} ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/** Every CERTIFICATE block of a PEM file, each checked to be a certificate. */
export function readCertificates(path: string, option: string): Uint8Array[] {
  const text = readText(path, option);
  let blocks;
  try {
    blocks = decodePem(text).filter((b) => b.label === 'CERTIFICATE');
  } catch (e) {
    if (e instanceof DecodeError) throw new UsageError(`${option} ${path} is not PEM: ${e.message}`);
    throw e;
  }
  if (blocks.length === 0) throw new UsageError(`${option} ${path} holds no CERTIFICATE block`);
  for (const [i, b] of blocks.entries()) {
    const decoded = tryDecodeCertificate(b.der);
    if (decoded instanceof DecodeError)
      throw new UsageError(`${option} ${path}: certificate ${i + 1} is not X.509: ${decoded.message}`);
  }
  return blocks.map((b) => b.der);
}

export interface TrustStore {
  anchors: Uint8Array[];
  /** For the trace: where the anchors came from. */
  source: string;
}

/** `--trust FILE`, or Node's bundled Mozilla roots (`tls.rootCertificates`). */
export function loadTrust(path: string | undefined): TrustStore {
  if (path) {
    const anchors = readCertificates(path, '--trust');
    return { anchors, source: `${path} (${anchors.length} certificate${anchors.length === 1 ? '' : 's'})` };
  }
  const anchors = rootCertificates.flatMap((pem) => decodePem(pem, 'CERTIFICATE').map((b) => b.der));
  return { anchors, source: `Node's Mozilla root store (${anchors.length} roots)` };
}

export interface ServerIdentity {
  /** DER, leaf first. */
  chain: Uint8Array[];
  signingKey: SigningKey;
  /** Where the root CA was written (a fresh PKI only). */
  caPath?: string;
  /** One line for the console: whose certificate, for which names. */
  description: string;
}

function signingKeyOf(key: KeyObject, path: string): SigningKey {
  const type = key.asymmetricKeyType;
  let kind: SigningKey['kind'];
  if (type === 'rsa') kind = 'rsa';
  else if (type === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') kind = 'ecdsa-p256';
  else
    throw new UsageError(
      `--key ${path}: a ${type === 'ec' ? `${key.asymmetricKeyDetails?.namedCurve} EC` : type} key; the lab signs with ECDSA P-256 or RSA keys`,
    );
  return {
    kind,
    pkcs8: new Uint8Array(key.export({ type: 'pkcs8', format: 'der' })),
    spki: new Uint8Array(createPublicKey(key).export({ type: 'spki', format: 'der' })),
  };
}

/** The user's certificate chain and private key (PEM; the key unencrypted, PKCS#8, SEC 1 or PKCS#1). */
export function loadIdentity(certPath: string, keyPath: string): ServerIdentity {
  const chain = readCertificates(certPath, '--cert');
  let key: KeyObject;
  try {
    key = createPrivateKey(readText(keyPath, '--key'));
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`--key ${keyPath} is not an unencrypted PEM private key (${(e as Error).message})`);
  }
  return {
    chain,
    signingKey: signingKeyOf(key, keyPath),
    description: `${certPath} (${chain.length} certificate${chain.length === 1 ? '' : 's'})`,
  };
}

/** Addresses a SAN should not name: the wildcard bind addresses. */
const UNSPECIFIED = new Set(['0.0.0.0', '::']);

/**
 * A fresh root, intermediate and leaf (ECDSA P-256) valid now, the leaf for `serverName` plus the
 * address the server listens on; the root written as PEM to `caOut` (default: a new temporary
 * directory), for the client to trust.
 */
export async function freshIdentity(
  provider: CryptoProvider,
  opts: { serverName: string; listenHost: string; now: number; caOut?: string },
): Promise<ServerIdentity> {
  const names = [opts.serverName];
  if (isIP(opts.listenHost) && !UNSPECIFIED.has(opts.listenHost) && opts.listenHost !== opts.serverName)
    names.push(opts.listenHost);
  const dnsNames = names.filter((n) => !isIP(n));
  const ipAddresses = names.filter((n) => isIP(n));
  const pki = await makePki(provider, { now: opts.now, leaf: { dnsNames, ipAddresses } });
  const caPath = opts.caOut ?? join(mkdtempSync(join(tmpdir(), 'handshake-lab-')), 'ca.pem');
  try {
    writeFileSync(caPath, encodePem('CERTIFICATE', pki.root.der));
  } catch (e) {
    throw new UsageError(
      `cannot write --ca-out ${caPath}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
  }
  return {
    chain: pki.chain,
    signingKey: pki.leaf.key,
    caPath,
    description: `a fresh Handshake Lab CA, leaf for ${names.join(', ')}`,
  };
}
