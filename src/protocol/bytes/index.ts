export * from './errors.ts';
export * from './field.ts';
export * from './hex.ts';
export * from './reader.ts';
export * from './writer.ts';
