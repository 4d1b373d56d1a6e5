/**
 * supported_versions (RFC 8446 §4.2.1):
 *
 *   struct {
 *       select (Handshake.msg_type) {
 *           case client_hello:
 *                ProtocolVersion versions<2..254>;
 *           case server_hello: // and HelloRetryRequest
 *                ProtocolVersion selected_version;
 *       };
 *   } SupportedVersions;
 *
 * A TLS 1.3 ServerHello says "1.3" only here; its legacy_version stays 0x0303.
 */
import { Reader } from '../../bytes/reader.ts';
import { build } from '../../bytes/writer.ts';
import { describeVersion } from '../constants.ts';

export function encodeSupportedVersionsClientHello(versions: readonly number[]): Uint8Array {
  return build((w) => w.vector(1, (v) => versions.forEach((x) => v.u16(x))));
}

export function readSupportedVersionsClientHello(r: Reader): number[] {
  return r.vector('versions', 1, (v) => v.items(() => v.u16('ProtocolVersion', describeVersion)), { min: 2, max: 254 });
}

export function decodeSupportedVersionsClientHello(data: Uint8Array): number[] {
  const r = new Reader(data);
  const versions = readSupportedVersionsClientHello(r);
  r.expectEnd('supported_versions');
  return versions;
}

export function encodeSupportedVersionsServerHello(selectedVersion: number): Uint8Array {
  return build((w) => w.u16(selectedVersion));
}

export function readSupportedVersionsServerHello(r: Reader): number {
  return r.u16('selected_version', describeVersion);
}

export function decodeSupportedVersionsServerHello(data: Uint8Array): number {
  const r = new Reader(data);
  const version = readSupportedVersionsServerHello(r);
  r.expectEnd('supported_versions');
  return version;
}
