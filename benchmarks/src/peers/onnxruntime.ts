// ONNX Runtime (onnxruntime-node) as an optional peer. It is not a dependency:
// its install script downloads GPU files, which needs the network. Enable it with
//   npm install --no-save --ignore-scripts onnxruntime-node
// (the CPU binary ships in the package), or point LITE_BENCH_ORT at an installed
// copy's folder (.../node_modules/onnxruntime-node).
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** Where onnxruntime-node resolves from here (or LITE_BENCH_ORT), or null when it is not installed. */
export function ortLocation(): { path: string; via: 'node_modules' | 'LITE_BENCH_ORT' } | null {
  const candidates = [['onnxruntime-node', 'node_modules'], [process.env.LITE_BENCH_ORT, 'LITE_BENCH_ORT']] as const;
  for (const [id, via] of candidates) {
    if (!id) continue;
    try {
      return { path: require.resolve(id), via };
    } catch {
      // not here; try the next
    }
  }
  return null;
}

/** The subset of onnxruntime-node's API the benchmarks use. */
export interface Ort {
  env: { versions: Record<string, string> };
  Tensor: new (type: 'uint8', data: Uint8Array, dims: number[]) => unknown;
  InferenceSession: {
    create(model: Uint8Array, options: Record<string, unknown>): Promise<{ run(feeds: Record<string, unknown>): Promise<unknown> }>;
  };
}

export function loadOrt(): { ort: Ort; via: string } {
  const at = ortLocation();
  if (!at) throw new Error('onnxruntime-node is not installed');
  return { ort: require(at.path) as Ort, via: at.via };
}

// A hand-written protobuf encoder for the few ONNX messages a one-node model needs.
type Bytes = number[];
const varint = (v: number): Bytes => {
  const out: Bytes = [];
  let x = BigInt(v);
  do {
    let byte = Number(x & 0x7fn);
    x >>= 7n;
    if (x) byte |= 0x80;
    out.push(byte);
  } while (x);
  return out;
};
const lenField = (field: number, data: ArrayLike<number>): Bytes => [...varint((field << 3) | 2), ...varint(data.length), ...Array.from(data)];
const strField = (field: number, s: string): Bytes => lenField(field, Buffer.from(s));
const intField = (field: number, v: number): Bytes => [...varint(field << 3), ...varint(v)];
const message = (field: number, parts: Bytes[]): Bytes => lenField(field, parts.flat());

const enum Elem {
  UINT8 = 2,
  INT8 = 3,
  INT32 = 6,
}

/** ValueInfoProto of a tensor input (field 11) or output (field 12). */
function valueInfo(field: number, name: string, elem: Elem, dims: number[]): Bytes {
  const shape = dims.map((d) => message(1, [intField(1, d)]));
  return message(field, [strField(1, name), message(2, [message(1, [intField(1, elem), message(2, shape)])])]);
}

/** A constant initializer (GraphProto field 5) with raw data. */
function initializer(name: string, elem: Elem, dims: number[], raw: Uint8Array): Bytes {
  return message(5, [...dims.map((d) => intField(1, d)), intField(2, elem), strField(8, name), lenField(9, raw)]);
}

/**
 * The ONNX model C[m,n] = MatMulInteger(A[m,k] uint8, B[k,n] int8, aZeroPoint)
 * (opset 13), int32 out, B a constant initializer so ONNX Runtime pre-packs it
 * once at session creation, as lite packs its weights once.
 */
export function matMulIntegerModel(m: number, n: number, k: number, b: Int8Array, zeroPointA: number): Uint8Array {
  const node = message(1, [strField(1, 'A'), strField(1, 'B'), strField(1, 'azp'), strField(2, 'C'), strField(4, 'MatMulInteger')]);
  const graph = message(7, [
    node,
    strField(2, 'g'),
    initializer('B', Elem.INT8, [k, n], new Uint8Array(b.buffer, b.byteOffset, b.byteLength)),
    initializer('azp', Elem.UINT8, [], Uint8Array.of(zeroPointA)),
    valueInfo(11, 'A', Elem.UINT8, [m, k]),
    valueInfo(12, 'C', Elem.INT32, [m, n]),
  ]);
  // ir_version 8, opset_import { domain '', version 13 }
  return Uint8Array.from([...intField(1, 8), ...message(8, [strField(1, ''), intField(2, 13)]), ...graph]);
}
