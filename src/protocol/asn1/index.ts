/** ASN.1 DER for X.509 (ITU-T X.680, X.690): a span-recording reader and an encoder. */
export * from './tags.ts';
export * from './time.ts';
export * from './der-reader.ts';
export * as der from './der-writer.ts';
