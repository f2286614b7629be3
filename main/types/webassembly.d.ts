// Node has WebAssembly as a global, but TypeScript declares it only in the DOM and WebWorker libs,
// which main/ must not see (tsconfig.main.json). The part the engine uses (vectorstore/int8-scan.ts).
declare namespace WebAssembly {
  class Module {
    constructor(bytes: ArrayBufferView | ArrayBuffer);
  }
  class Memory {
    constructor(descriptor: { initial: number; maximum?: number; shared?: boolean });
    readonly buffer: ArrayBuffer;
    grow(delta: number): number;
  }
  class Instance {
    constructor(module: Module, imports?: Record<string, Record<string, unknown>>);
    readonly exports: Record<string, unknown>;
  }
}
