/**
 * server_name (RFC 6066 §3), which RFC 8446 §4.2 keeps for TLS 1.3:
 *
 *   struct { NameType name_type; select (name_type) { case host_name: HostName; } name; } ServerName;
 *   enum { host_name(0), (255) } NameType;
 *   opaque HostName<1..2^16-1>;
 *   struct { ServerName server_name_list<1..2^16-1> } ServerNameList;
 *
 * In a ClientHello the extension holds a ServerNameList; a server that used the name answers with
 * an empty extension (in EncryptedExtensions for TLS 1.3).
 */
import { latin1, fromLatin1 } from '../../bytes/hex.ts';
import { Reader } from '../../bytes/reader.ts';
import { build } from '../../bytes/writer.ts';

/** RFC 6066 §3 */
export const NameType = { host_name: 0 } as const;

/** A ServerNameList with one host_name (RFC 6066 §3: at most one name of each type). */
export function encodeServerName(hostName: string): Uint8Array {
  return build((w) =>
    w.vector(2, (list) => {
      list.u8(NameType.host_name);
      list.opaque(2, fromLatin1(hostName));
    }),
  );
}

/** The host names in a ServerNameList (other name types are read and skipped). */
export function readServerName(r: Reader): string[] {
  const names: string[] = [];
  r.vector(
    'server_name_list',
    2,
    (list) =>
      list.items(() =>
        list.group('ServerName', (entry) => {
          const nameType = entry.u8('name_type', (v) =>
            v === NameType.host_name ? 'host_name (0)' : `unknown (${v})`,
          );
          const name = entry.vector('host_name', 2, (h) => h.rest('HostName', latin1), { min: 1 });
          if (nameType === NameType.host_name) names.push(latin1(name));
        }),
      ),
    { min: 1 },
  );
  return names;
}

export function decodeServerName(data: Uint8Array): string[] {
  const r = new Reader(data);
  const names = readServerName(r);
  r.expectEnd('server_name');
  return names;
}

/** RFC 6066 §3: "Literal IPv4 and IPv6 addresses are not permitted in HostName." */
export function isIpLiteral(host: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.includes(':');
}
