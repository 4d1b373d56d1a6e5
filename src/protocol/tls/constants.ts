/**
 * The TLS vocabulary shared by every version: content types and protocol versions (RFC 8446 §5.1,
 * RFC 5246 §6.2.1), handshake types (RFC 8446 §4, RFC 5246 §7.4), cipher suites (RFC 8446 B.4,
 * RFC 5246 A.5, RFC 5289, RFC 8422, RFC 7905), named groups (RFC 8446 §4.2.7, RFC 7919, IANA),
 * signature schemes (RFC 8446 §4.2.3, B.3.1.3), extension types (RFC 8446 §4.2 and the IANA
 * registry), EC curve types and point formats (RFC 8422 §5.1.2, §5.4), GREASE (RFC 8701) and the
 * magic values of ServerHello.random (RFC 8446 §4.1.3).
 *
 * Each table maps the RFC's name to its code point, so code reads `CipherSuite.TLS_AES_128_GCM_SHA256`
 * and field values show the name; `describe*` turn a code from the wire back into that name.
 */

/** RFC 8446 §5.1, RFC 5246 §6.2.1 */
export const ContentType = {
  invalid: 0x00,
  change_cipher_spec: 0x14,
  alert: 0x15,
  handshake: 0x16,
  application_data: 0x17,
} as const;

/** RFC 8446 §4 (and B.3), RFC 5246 §7.4 for the TLS 1.2-only types. */
export const HandshakeType = {
  hello_request: 0x00, // RFC 5246
  client_hello: 0x01,
  server_hello: 0x02,
  new_session_ticket: 0x04,
  end_of_early_data: 0x05,
  encrypted_extensions: 0x08,
  certificate: 0x0b,
  server_key_exchange: 0x0c, // RFC 5246
  certificate_request: 0x0d,
  server_hello_done: 0x0e, // RFC 5246
  certificate_verify: 0x0f,
  client_key_exchange: 0x10, // RFC 5246
  finished: 0x14,
  certificate_status: 0x16, // RFC 6066
  key_update: 0x18,
  message_hash: 0xfe, // RFC 8446 §4.4.1: the synthetic message standing for ClientHello1
} as const;

/** RFC 8446 §4.2.1, RFC 5246 A.1 */
export const ProtocolVersion = {
  SSL_3_0: 0x0300,
  TLS_1_0: 0x0301,
  TLS_1_1: 0x0302,
  TLS_1_2: 0x0303,
  TLS_1_3: 0x0304,
} as const;

/** The names the config and the UI use for versions. */
export type TlsVersionName = 'TLS 1.3' | 'TLS 1.2' | 'TLS 1.1' | 'TLS 1.0';

export const TLS_VERSION_CODES: Record<TlsVersionName, number> = {
  'TLS 1.3': ProtocolVersion.TLS_1_3,
  'TLS 1.2': ProtocolVersion.TLS_1_2,
  'TLS 1.1': ProtocolVersion.TLS_1_1,
  'TLS 1.0': ProtocolVersion.TLS_1_0,
};

/**
 * RFC 8446 B.4 (TLS 1.3), RFC 5246 A.5, RFC 5288, RFC 5289, RFC 8422, RFC 7905 (TLS 1.2), and the
 * two signalling values RFC 5746 §3.3 and RFC 7507 define. The TLS 1.3 AES-GCM suites and five
 * TLS 1.2 AES-GCM suites (src/protocol/tls12/cipher-suites.ts) are implemented; the rest are named
 * so that real ClientHellos read well.
 */
export const CipherSuite = {
  TLS_AES_128_GCM_SHA256: 0x1301,
  TLS_AES_256_GCM_SHA384: 0x1302,
  TLS_CHACHA20_POLY1305_SHA256: 0x1303,
  TLS_AES_128_CCM_SHA256: 0x1304,
  TLS_AES_128_CCM_8_SHA256: 0x1305,
  TLS_RSA_WITH_AES_128_CBC_SHA: 0x002f,
  TLS_DHE_RSA_WITH_AES_128_CBC_SHA: 0x0033,
  TLS_RSA_WITH_AES_256_CBC_SHA: 0x0035,
  TLS_DHE_RSA_WITH_AES_256_CBC_SHA: 0x0039,
  TLS_RSA_WITH_AES_128_CBC_SHA256: 0x003c,
  TLS_RSA_WITH_AES_256_CBC_SHA256: 0x003d,
  TLS_DHE_RSA_WITH_AES_128_CBC_SHA256: 0x0067,
  TLS_DHE_RSA_WITH_AES_256_CBC_SHA256: 0x006b,
  TLS_RSA_WITH_AES_128_GCM_SHA256: 0x009c,
  TLS_RSA_WITH_AES_256_GCM_SHA384: 0x009d,
  TLS_DHE_RSA_WITH_AES_128_GCM_SHA256: 0x009e,
  TLS_DHE_RSA_WITH_AES_256_GCM_SHA384: 0x009f,
  TLS_EMPTY_RENEGOTIATION_INFO_SCSV: 0x00ff,
  TLS_FALLBACK_SCSV: 0x5600,
  TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA: 0xc009,
  TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA: 0xc00a,
  TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA: 0xc013,
  TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA: 0xc014,
  TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256: 0xc023,
  TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384: 0xc024,
  TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256: 0xc027,
  TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384: 0xc028,
  TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256: 0xc02b,
  TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384: 0xc02c,
  TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256: 0xc02f,
  TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384: 0xc030,
  TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256: 0xcca8,
  TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256: 0xcca9,
  TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256: 0xccaa,
} as const;
export type CipherSuiteName = keyof typeof CipherSuite;

/** RFC 8446 §4.2.7, RFC 7919 (ffdhe), RFC 8734 (brainpool), IANA (hybrid post-quantum groups). */
export const NamedGroup = {
  secp256r1: 0x0017,
  secp384r1: 0x0018,
  secp521r1: 0x0019,
  x25519: 0x001d,
  x448: 0x001e,
  brainpoolP256r1tls13: 0x001f,
  brainpoolP384r1tls13: 0x0020,
  brainpoolP512r1tls13: 0x0021,
  ffdhe2048: 0x0100,
  ffdhe3072: 0x0101,
  ffdhe4096: 0x0102,
  ffdhe6144: 0x0103,
  ffdhe8192: 0x0104,
  SecP256r1MLKEM768: 0x11eb,
  X25519MLKEM768: 0x11ec,
  SecP384r1MLKEM1024: 0x11ed,
  X25519Kyber768Draft00: 0x6399,
} as const;
export type NamedGroupName = keyof typeof NamedGroup;

/** RFC 8446 §4.2.3 and B.3.1.3 (the reserved DSA code points), RFC 8734, IANA (ML-DSA). */
export const SignatureScheme = {
  rsa_pkcs1_sha256: 0x0401,
  rsa_pkcs1_sha384: 0x0501,
  rsa_pkcs1_sha512: 0x0601,
  ecdsa_secp256r1_sha256: 0x0403,
  ecdsa_secp384r1_sha384: 0x0503,
  ecdsa_secp521r1_sha512: 0x0603,
  rsa_pss_rsae_sha256: 0x0804,
  rsa_pss_rsae_sha384: 0x0805,
  rsa_pss_rsae_sha512: 0x0806,
  ed25519: 0x0807,
  ed448: 0x0808,
  rsa_pss_pss_sha256: 0x0809,
  rsa_pss_pss_sha384: 0x080a,
  rsa_pss_pss_sha512: 0x080b,
  ecdsa_brainpoolP256r1tls13_sha256: 0x081a,
  ecdsa_brainpoolP384r1tls13_sha384: 0x081b,
  ecdsa_brainpoolP512r1tls13_sha512: 0x081c,
  mldsa44: 0x0904,
  mldsa65: 0x0905,
  mldsa87: 0x0906,
  rsa_pkcs1_sha1: 0x0201,
  dsa_sha1_RESERVED: 0x0202,
  ecdsa_sha1: 0x0203,
  dsa_sha256_RESERVED: 0x0402,
  dsa_sha384_RESERVED: 0x0502,
  dsa_sha512_RESERVED: 0x0602,
} as const;
export type SignatureSchemeCodeName = keyof typeof SignatureScheme;

/** RFC 8446 §4.2 and the IANA "TLS ExtensionType Values" registry. */
export const ExtensionType = {
  server_name: 0, // RFC 6066
  max_fragment_length: 1, // RFC 6066
  status_request: 5, // RFC 6066
  supported_groups: 10, // RFC 8422, 7919
  ec_point_formats: 11, // RFC 8422
  signature_algorithms: 13, // RFC 8446
  use_srtp: 14, // RFC 5764
  heartbeat: 15, // RFC 6520
  application_layer_protocol_negotiation: 16, // RFC 7301
  signed_certificate_timestamp: 18, // RFC 6962
  client_certificate_type: 19, // RFC 7250
  server_certificate_type: 20, // RFC 7250
  padding: 21, // RFC 7685
  encrypt_then_mac: 22, // RFC 7366
  extended_master_secret: 23, // RFC 7627
  compress_certificate: 27, // RFC 8879
  record_size_limit: 28, // RFC 8449
  delegated_credential: 34, // RFC 9345
  session_ticket: 35, // RFC 5077
  pre_shared_key: 41, // RFC 8446
  early_data: 42, // RFC 8446
  supported_versions: 43, // RFC 8446
  cookie: 44, // RFC 8446
  psk_key_exchange_modes: 45, // RFC 8446
  certificate_authorities: 47, // RFC 8446
  oid_filters: 48, // RFC 8446
  post_handshake_auth: 49, // RFC 8446
  signature_algorithms_cert: 50, // RFC 8446
  key_share: 51, // RFC 8446
  quic_transport_parameters: 57, // RFC 9001
  application_settings_old: 0x4469, // draft-vvv-tls-alps (Chrome)
  application_settings: 0x44cd, // draft-vvv-tls-alps (Chrome)
  encrypted_client_hello: 0xfe0d, // RFC 9849
  renegotiation_info: 0xff01, // RFC 5746
} as const;
export type ExtensionName = keyof typeof ExtensionType;

/** RFC 8422 §5.4: how ServerKeyExchange names its curve; only named_curve is still allowed. */
export const ECCurveType = {
  explicit_prime_RESERVED: 1,
  explicit_char2_RESERVED: 2,
  named_curve: 3,
} as const;

/** RFC 8422 §5.1.2: only uncompressed points remain (the compressed formats are deprecated). */
export const ECPointFormat = {
  uncompressed: 0,
  ansiX962_compressed_prime_RESERVED: 1,
  ansiX962_compressed_char2_RESERVED: 2,
} as const;

/** RFC 5246 §7.1: the one value a ChangeCipherSpec carries. */
export const CHANGE_CIPHER_SPEC = 0x01;

/** RFC 8446 §4.2.9 */
export const PskKeyExchangeMode = { psk_ke: 0, psk_dhe_ke: 1 } as const;
export type PskKeyExchangeModeName = keyof typeof PskKeyExchangeMode;

/** RFC 8446 §4.1.3: ServerHello.random of a HelloRetryRequest, SHA-256("HelloRetryRequest"). */
export const HELLO_RETRY_REQUEST_RANDOM = Uint8Array.from([
  0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91, 0xc2, 0xa2, 0x11,
  0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
]);

/**
 * RFC 8446 §4.1.3: the last 8 bytes of ServerHello.random from a TLS 1.3 server that negotiates
 * TLS 1.2 ("DOWNGRD" then 01) or TLS 1.1 and below ("DOWNGRD" then 00).
 */
export const DOWNGRADE_SENTINEL_TLS12 = Uint8Array.from([0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44, 0x01]);
export const DOWNGRADE_SENTINEL_TLS11 = Uint8Array.from([0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44, 0x00]);

// ---------------------------------------------------------------------------------------------
// From a code on the wire back to its name.

function reverse<T extends Record<string, number>>(table: T): Map<number, keyof T & string> {
  const m = new Map<number, keyof T & string>();
  for (const [name, code] of Object.entries(table)) if (!m.has(code)) m.set(code, name as keyof T & string);
  return m;
}

const contentTypeNames = reverse(ContentType);
const handshakeTypeNames = reverse(HandshakeType);
const cipherSuiteNames = reverse(CipherSuite);
const groupNames = reverse(NamedGroup);
const schemeNames = reverse(SignatureScheme);
const extensionNames = reverse(ExtensionType);
const versionNames = new Map<number, string>([
  [0x0300, 'SSL 3.0'],
  [0x0301, 'TLS 1.0'],
  [0x0302, 'TLS 1.1'],
  [0x0303, 'TLS 1.2'],
  [0x0304, 'TLS 1.3'],
]);

const hex4 = (v: number): string => '0x' + v.toString(16).padStart(4, '0');

/** RFC 8701: the reserved 0x?A?A values clients send to keep servers tolerant. */
export function isGrease(v: number): boolean {
  return (v & 0x0f0f) === 0x0a0a && v >> 12 === ((v >> 4) & 0x0f);
}

export const contentTypeName = (v: number): string | undefined => contentTypeNames.get(v);
export const handshakeTypeName = (v: number): string | undefined => handshakeTypeNames.get(v);
export const cipherSuiteName = (v: number): CipherSuiteName | undefined => cipherSuiteNames.get(v);
export const namedGroupName = (v: number): NamedGroupName | undefined => groupNames.get(v);
export const signatureSchemeName = (v: number): SignatureSchemeCodeName | undefined => schemeNames.get(v);
export const extensionName = (v: number): ExtensionName | undefined => extensionNames.get(v);
export const versionName = (v: number): string | undefined => versionNames.get(v);

/** `handshake (22)` */
export function describeContentType(v: number): string {
  return `${contentTypeNames.get(v) ?? 'unknown'} (${v})`;
}

/** `client_hello (1)` */
export function describeHandshakeType(v: number): string {
  return `${handshakeTypeNames.get(v) ?? 'unknown'} (${v})`;
}

/** `0x0304 (TLS 1.3)` */
export function describeVersion(v: number): string {
  if (isGrease(v)) return `${hex4(v)} (GREASE)`;
  const name = versionNames.get(v);
  return name ? `${hex4(v)} (${name})` : hex4(v);
}

/** `TLS_AES_128_GCM_SHA256`, or the hex code when unnamed. */
export function describeCipherSuite(v: number): string {
  if (isGrease(v)) return `GREASE (${hex4(v)})`;
  return cipherSuiteNames.get(v) ?? hex4(v);
}

/** `x25519`, or the hex code when unnamed. */
export function describeGroup(v: number): string {
  if (isGrease(v)) return `GREASE (${hex4(v)})`;
  return groupNames.get(v) ?? hex4(v);
}

/** TLS 1.2 (hash, signature) pairs (RFC 5246 §7.4.1.4.1) for code points TLS 1.3 did not name. */
const TLS12_HASHES = ['none', 'md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512'];
const TLS12_SIGNATURES = ['anonymous', 'rsa', 'dsa', 'ecdsa'];

/** `rsa_pss_rsae_sha256`, `sha224_ecdsa`, or the hex code. */
export function describeSignatureScheme(v: number): string {
  if (isGrease(v)) return `GREASE (${hex4(v)})`;
  const name = schemeNames.get(v);
  if (name) return name;
  const hash = TLS12_HASHES[v >> 8];
  const sig = TLS12_SIGNATURES[v & 0xff];
  return hash && sig ? `${hash}_${sig} (${hex4(v)})` : hex4(v);
}

/** `key_share`, `GREASE (0x1a1a)`, or `unknown (0x1234)`. */
export function describeExtensionType(v: number): string {
  if (isGrease(v)) return `GREASE (${hex4(v)})`;
  return extensionNames.get(v) ?? `unknown (${hex4(v)})`;
}
