/**
 * Certificates for real connections: the probe's trust store (a PEM file, or the Mozilla roots
 * Node ships) and CRLs, and the server's identity (a fresh PKI from makePki for the names it
 * serves, as the served scenario's spec describes it, its root written as PEM for the client's
 * -CAfile and its CRL beside it; or the user's own certificate and key).
 */
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rootCertificates } from 'node:tls';
import { DecodeError } from '../../protocol/bytes/errors.ts';
import type { CryptoProvider, SigningKey } from '../../protocol/crypto-provider.ts';
import { tryDecodeCertificate } from '../../protocol/x509/certificate.ts';
import { tryDecodeCrl } from '../../protocol/x509/crl.ts';
import { decodePem, encodePem } from '../../protocol/x509/pem.ts';
import { makePki } from '../../protocol/x509/pki.ts';
import { UsageError } from '../args.ts';
import { realLeaf, servedNames, type ServePlan } from './serve-faults.ts';

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
  /** The root at caPath did not issue the chain (a client trusting it cannot build a path). */
  caIsUnrelated?: boolean;
  /** Where the CRL was written, when the leaf's issuer publishes one. */
  crlPath?: string;
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

/** `ca.pem` → `ca.crl.pem`: the CRL goes next to the CA it belongs with. */
export function crlPathFor(caPath: string): string {
  return caPath.endsWith('.pem') ? `${caPath.slice(0, -4)}.crl.pem` : `${caPath}.crl.pem`;
}

function writePem(path: string, label: 'CERTIFICATE' | 'X509 CRL', der: Uint8Array, option: string): void {
  try {
    writeFileSync(path, encodePem(label, der));
  } catch (e) {
    throw new UsageError(
      `cannot write ${option} ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
  }
}

/**
 * The certificates of a served scenario, made now: root, intermediate and leaf from the spec's
 * PKI (ECDSA P-256, or RSA when the spec's leaf says so), the leaf for the served names (see
 * realLeaf), the CRL when the spec asks for one. The root the client should trust is written as
 * PEM to `caOut` (default: a new temporary directory) — an unrelated root when the spec's client
 * trusts another one — and the CRL next to it.
 */
export async function issueIdentity(
  provider: CryptoProvider,
  plan: ServePlan,
  opts: { serverName: string; listenHost: string; caOut?: string },
): Promise<ServerIdentity> {
  const spec = plan.spec;
  const tls = spec.tls!;
  const served = servedNames(opts.serverName, opts.listenHost);
  const leaf = realLeaf(tls, served);
  const pki = await makePki(provider, { now: spec.clock, ...tls.pki, leaf });
  // Another CA, same names, other keys: what a client with the wrong trust store trusts.
  const anchor =
    tls.client.trust === 'other-root'
      ? await makePki(provider, {
          now: spec.clock,
          leaf: { dnsNames: served.dnsNames, ipAddresses: served.ipAddresses },
        })
      : pki;
  const caPath = opts.caOut ?? join(mkdtempSync(join(tmpdir(), 'handshake-lab-')), 'ca.pem');
  writePem(caPath, 'CERTIFICATE', anchor.root.der, '--ca-out');
  let crlPath: string | undefined;
  if (pki.crls.length) {
    crlPath = crlPathFor(caPath);
    writePem(crlPath, 'X509 CRL', pki.crls[0], 'the CRL');
  }
  const names = [...(leaf.dnsNames ?? []), ...(leaf.ipAddresses ?? [])];
  return {
    chain: tls.server.chain === 'leaf' ? [pki.leaf.der] : pki.chain,
    signingKey: tls.server.signingKey === 'other' ? await provider.generateSigningKey(pki.leaf.key.kind) : pki.leaf.key,
    caPath,
    ...(anchor !== pki ? { caIsUnrelated: true } : {}),
    ...(crlPath ? { crlPath } : {}),
    description: `a fresh Handshake Lab CA, ${pki.leaf.key.kind === 'rsa' ? 'RSA' : 'ECDSA P-256'} leaf for ${names.join(', ')}`,
  };
}

/** The user's certificate and key, as the spec's server uses them (the leaf alone, another key). */
export async function servedOwnIdentity(
  provider: CryptoProvider,
  plan: ServePlan,
  own: ServerIdentity,
): Promise<ServerIdentity> {
  const tls = plan.spec.tls!;
  return {
    ...own,
    chain: tls.server.chain === 'leaf' ? own.chain.slice(0, 1) : own.chain,
    signingKey:
      tls.server.signingKey === 'other' ? await provider.generateSigningKey(own.signingKey.kind) : own.signingKey,
  };
}

/** `--crl FILE`: every X509 CRL block of a PEM file (or one DER CRL), each checked to be a CRL. */
export function readCrls(path: string): Uint8Array[] {
  let raw: Buffer;
  try {
    raw = readFileSync(path);
  } catch (e) {
    throw new UsageError(`cannot read --crl ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const text = raw.toString('latin1');
  let crls: Uint8Array[];
  if (text.includes('-----BEGIN')) {
    try {
      crls = decodePem(text)
        .filter((b) => b.label === 'X509 CRL')
        .map((b) => b.der);
    } catch (e) {
      if (e instanceof DecodeError) throw new UsageError(`--crl ${path} is not PEM: ${e.message}`);
      throw e;
    }
    if (crls.length === 0) throw new UsageError(`--crl ${path} holds no X509 CRL block`);
  } else {
    crls = [new Uint8Array(raw)];
  }
  for (const [i, der] of crls.entries()) {
    const decoded = tryDecodeCrl(der);
    if (decoded instanceof DecodeError)
      throw new UsageError(`--crl ${path}: CRL ${i + 1} is not an X.509 CRL: ${decoded.message}`);
  }
  return crls;
}
