// Base64 of typed-array bytes with atob/btoa (present in browsers and Node), so the core needs no Node Buffer.

/** Bytes per btoa call: large enough to be quick, small enough for String.fromCharCode's argument limit. */
const CHUNK = 0x8000;

/** The standard base64 (with padding) of the bytes of `a` (a typed array view; only its own bytes). */
export function bytesToBase64(a: ArrayBufferView): string {
  const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  let binary = '';
  for (let i = 0; i < bytes.length; i += CHUNK) {
    binary += String.fromCharCode.apply(null, bytes.subarray(i, i + CHUNK) as unknown as number[]);
  }
  return btoa(binary);
}

/**
 * The bytes of standard base64 text `s`. The caller checks the alphabet and length first (atob
 * throws on characters outside it, but also accepts unpadded text and spaces).
 */
export function base64ToBytes(s: string): Uint8Array {
  const binary = atob(s);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}
