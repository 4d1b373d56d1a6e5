import { walkFields, type Field } from '../../src/protocol/bytes/field.ts';

/** Offsets not covered exactly once by a leaf field: a complete decode leaves none. */
export function uncovered(fields: Field[], length: number): number[] {
  const covered = new Uint8Array(length);
  for (const { field } of walkFields(fields)) {
    if (field.children?.length) continue;
    for (let i = field.start; i < field.end; i++) covered[i]++;
  }
  return [...covered.keys()].filter((i) => covered[i] !== 1);
}
