// The part of the WebAssembly JS API the kernels use (lib ES2022 and @types/node 20 do not declare it).
declare global {
  namespace WebAssembly {
    class Module { constructor(bytes: ArrayBufferView | ArrayBuffer); }
    class Instance { constructor(module: Module, imports?: Record<string, Record<string, unknown>>); readonly exports: Record<string, unknown>; }
    class Memory {
      constructor(descriptor: { initial: number; maximum?: number; shared?: boolean });
      readonly buffer: SharedArrayBuffer;
      grow(delta: number): number;
    }
    function validate(bytes: ArrayBufferView | ArrayBuffer): boolean;
  }
}
export {};
