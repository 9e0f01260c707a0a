// Batch gathering in WASM memory: rows of a resident feature matrix copied by index with bulk memory copies.

/** dst row i <- src row idx[i] for i < count; rows of `rowBytes` bytes, idx a u32 array. */
export function gatherRows(dst: usize, src: usize, idx: usize, count: i32, rowBytes: i32): void {
  const rb = <usize>rowBytes;
  for (let i = 0; i < count; i++) {
    memory.copy(dst + <usize>i * rb, src + <usize>load<u32>(idx + (<usize>i << 2)) * rb, rb);
  }
}
