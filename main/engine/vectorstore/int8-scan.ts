/**
 * The coarse pass of dense search: int8 dot products of one query code against every stored
 * code, in WebAssembly SIMD (16 lanes at a time). sqlite-vec 0.1.9's own int8 KNN runs scalar code
 * (no faster than its float KNN on our machines) and its bit vectors lose too much recall at 1536-d,
 * so the scan is ours; the float vectors still decide the final order (embedded.ts).
 *
 * The module is assembled here from its opcodes (a few hundred bytes), so nothing is fetched or
 * compiled at build time. Its one function:
 *   scan(query, base, n, dims, out): out[i] = Σ_j query[j] · base[i·dims + j]   (i32, dims % 16 == 0)
 */

const uleb = (n: number): number[] => {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n) byte |= 0x80;
    out.push(byte);
  } while (n);
  return out;
};
const simd = (op: number) => [0xfd, ...uleb(op)];
const get = (l: number) => [0x20, l];
const set = (l: number) => [0x21, l];
const i32 = (v: number) => [0x41, ...uleb(v)]; // small non-negative constants only (no sign bit at 0x40)

const OP = { v128Load: 0x00, v128Const: 0x0c, extractLane: 0x1b, extendLow: 0x87, extendHigh: 0x88, add: 0xae, dot: 0xba } as const;
const L = { q: 0, base: 1, n: 2, dims: 3, out: 4, i: 5, j: 6, p: 7, acc: 8, a: 9, b: 10 } as const;

function scanFunctionBody(): number[] {
  const loopWhileBelow = (counter: number, limit: number, body: number[], step: number[]) => [
    0x02, 0x40, 0x03, 0x40, // block, loop
    ...get(counter), ...get(limit), 0x4e, 0x0d, 1, // i32.ge_s → br_if out of the block
    ...body, ...step,
    0x0c, 0, 0x0b, 0x0b, // br to loop; end loop; end block
  ];
  const dotHalf = (extend: number) => [...get(L.a), ...simd(extend), ...get(L.b), ...simd(extend), ...simd(OP.dot), ...simd(OP.add)];
  const inner = [
    ...get(L.q), ...get(L.j), 0x6a, ...simd(OP.v128Load), 0, 0, ...set(L.a),
    ...get(L.p), ...get(L.j), 0x6a, ...simd(OP.v128Load), 0, 0, ...set(L.b),
    ...get(L.acc), ...dotHalf(OP.extendLow), ...dotHalf(OP.extendHigh), ...set(L.acc),
  ];
  const lane = (k: number) => [...get(L.acc), ...simd(OP.extractLane), k];
  const outer = [
    ...get(L.base), ...get(L.i), ...get(L.dims), 0x6c, 0x6a, ...set(L.p),
    ...simd(OP.v128Const), ...new Array<number>(16).fill(0), ...set(L.acc),
    ...i32(0), ...set(L.j),
    ...loopWhileBelow(L.j, L.dims, inner, [...get(L.j), ...i32(16), 0x6a, ...set(L.j)]),
    ...get(L.out), ...get(L.i), ...i32(2), 0x74, 0x6a, // out + i*4
    ...lane(0), ...lane(1), 0x6a, ...lane(2), 0x6a, ...lane(3), 0x6a,
    0x36, 0x02, 0x00, // i32.store
  ];
  const locals = [2, 3, 0x7f, 3, 0x7b]; // 3 × i32, 3 × v128
  return [...locals, ...i32(0), ...set(L.i), ...loopWhileBelow(L.i, L.n, outer, [...get(L.i), ...i32(1), 0x6a, ...set(L.i)]), 0x0b];
}

function scanModuleBytes(): Uint8Array<ArrayBuffer> {
  const section = (id: number, content: number[]) => [id, ...uleb(content.length), ...content];
  const name = (s: string) => [...uleb(s.length), ...Buffer.from(s, 'utf8')];
  const body = scanFunctionBody();
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [1, 0x60, 5, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0]), // (i32 × 5) → ()
    ...section(2, [1, ...name('env'), ...name('memory'), 0x02, 0x00, 1]), // imported memory, min 1 page
    ...section(3, [1, 0]),
    ...section(7, [1, ...name('scan'), 0x00, 0]),
    ...section(10, [1, ...uleb(body.length), ...body]),
  ]);
}

let compiled: WebAssembly.Module | null = null;
const PAGE = 65536;

/** A growable int8 code table in WebAssembly memory with its scan. One per index (per connection). */
export class Int8CodeTable {
  private readonly memory = new WebAssembly.Memory({ initial: 1 });
  private readonly scanFn: (q: number, base: number, n: number, dims: number, out: number) => void;
  private capacity = 0;
  private count = 0;

  constructor(readonly dims: number) {
    if (dims % 16 !== 0) throw new Error('int8 codes are padded to a multiple of 16 dimensions');
    compiled ??= new WebAssembly.Module(scanModuleBytes());
    const instance = new WebAssembly.Instance(compiled, { env: { memory: this.memory } });
    this.scanFn = instance.exports.scan as typeof this.scanFn;
  }

  get size(): number {
    return this.count;
  }

  /** Layout: [query code][scores: capacity × i32][codes: capacity × dims]. */
  private get scoresAt(): number {
    return this.dims;
  }
  private get codesAt(): number {
    return this.dims + this.capacity * 4;
  }

  private reserve(n: number): void {
    if (n <= this.capacity) return;
    const capacity = Math.max(n, Math.ceil(this.capacity * 1.5), 1024);
    const need = this.dims + capacity * 4 + capacity * this.dims;
    const pages = Math.ceil(need / PAGE) - this.memory.buffer.byteLength / PAGE;
    if (pages > 0) this.memory.grow(pages);
    // Move the codes up to their new offset (the score area grew in front of them).
    const bytes = new Int8Array(this.memory.buffer);
    const oldAt = this.codesAt;
    const oldCapacity = this.capacity;
    this.capacity = capacity;
    if (this.count > 0 && oldCapacity > 0) bytes.copyWithin(this.codesAt, oldAt, oldAt + this.count * this.dims);
  }

  append(code: Int8Array): number {
    this.reserve(this.count + 1);
    new Int8Array(this.memory.buffer, this.codesAt + this.count * this.dims, this.dims).set(code);
    return this.count++;
  }

  /** Dot products of `query` with every code, in insertion order (a view, valid until the next call). */
  scan(query: Int8Array): Int32Array {
    if (this.count === 0) return new Int32Array(0);
    new Int8Array(this.memory.buffer, 0, this.dims).set(query);
    this.scanFn(0, this.codesAt, this.count, this.dims, this.scoresAt);
    return new Int32Array(this.memory.buffer, this.scoresAt, this.count);
  }
}

/** Pads to whole 16-lane blocks. */
export function codeDimsFor(dims: number): number {
  return Math.ceil(dims / 16) * 16;
}

/**
 * Symmetric int8 code of a vector, scaled by its largest component, and the factor that turns a
 * code dot product back into a cosine: cos(q, v) ≈ dot(code(q), code(v)) · factor(q) · factor(v).
 */
export function quantizeInt8(v: Float32Array, codeDims = codeDimsFor(v.length)): { code: Int8Array; factor: number } {
  let max = 0;
  let norm = 0;
  for (let i = 0; i < v.length; i++) {
    const x = v[i]!;
    norm += x * x;
    if (Math.abs(x) > max) max = Math.abs(x);
  }
  const code = new Int8Array(codeDims);
  if (max === 0 || norm === 0) return { code, factor: 0 };
  const scale = 127 / max;
  for (let i = 0; i < v.length; i++) code[i] = Math.round(v[i]! * scale);
  return { code, factor: 1 / (scale * Math.sqrt(norm)) };
}
