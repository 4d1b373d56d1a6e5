/**
 * A decoded field: its RFC name, the bytes it occupies and a short display value.
 * The inspector links these spans to the hex view; explanations are looked up by `name`.
 */
export interface Field {
  /** The RFC's name for the field, e.g. `legacy_session_id`, `cipher_suites`, `Reply-code`. */
  name: string;
  /** Byte offsets [start, end) into the bytes the decoder was given. */
  start: number;
  end: number;
  /** A short, language-neutral rendering of the value, e.g. `0x0303`, `TLS_AES_128_GCM_SHA256`. */
  value?: string;
  children?: Field[];
}

/** Depth-first walk over a field tree. */
export function* walkFields(fields: readonly Field[], depth = 0): Generator<{ field: Field; depth: number }> {
  for (const field of fields) {
    yield { field, depth };
    if (field.children) yield* walkFields(field.children, depth + 1);
  }
}

/** Shift every span of a tree by `delta` (a message decoded inside a record, say). */
export function shiftFields(fields: readonly Field[], delta: number): Field[] {
  return fields.map((f) => ({
    ...f,
    start: f.start + delta,
    end: f.end + delta,
    ...(f.children ? { children: shiftFields(f.children, delta) } : {}),
  }));
}

/** The innermost field covering byte `offset`, if any. */
export function fieldAt(fields: readonly Field[], offset: number): Field | undefined {
  for (const f of fields) {
    if (offset >= f.start && offset < f.end) {
      return (f.children && fieldAt(f.children, offset)) ?? f;
    }
  }
  return undefined;
}
