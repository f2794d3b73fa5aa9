/** JSON with object keys sorted at every level, so that equal configs hash equally. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    item && typeof item === 'object' && !Array.isArray(item)
      ? Object.fromEntries(
          Object.entries(item as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)),
        )
      : item,
  );
}

/**
 * SHA-256 of a string (UTF-8) or bytes, as lower-case hex, with the Web Crypto API (browsers, Node ≥ 20).
 *
 * @example
 * ```ts
 * await sha256Hex('abc'); // 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'
 * ```
 */
export async function sha256Hex(data: string | Uint8Array): Promise<string> {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  const digest = await globalThis.crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/**
 * The data hash of a model folder: SHA-256 of the training notes' ids, texts and codes in order.
 *
 * @example
 * ```ts
 * const hash = await hashNotes(train); // changes when any note, code or the order changes
 * ```
 */
export async function hashNotes(
  notes: readonly { readonly id: string; readonly text: string; readonly codes?: readonly string[] }[],
): Promise<string> {
  return sha256Hex(notes.map((note) => canonicalJson([note.id, note.text, note.codes ?? []])).join('\n'));
}
