// Child process: the binary kernels against our fp32 kernels on the same shapes,
// interleaved per round in one process (LITE_NUM_THREADS set by the parent).
// Prints seconds per call for every sample of every (case, kernel).
import native from '@lite/native';
import { measure, type Protocol } from '../timing.js';
import { randomMatrix, readRequest } from './child.js';
import { fp32GemmCall } from './gemm_calls.js';

export interface BinaryCase {
  label: string;
  /** conv: 3×3 SAME stride 1 over [1, hw, hw, c] to outC; gemm: m = n = k = size. */
  kind: 'conv' | 'gemm';
  hw: number;
  c: number;
  outC: number;
  size: number;
}
export interface BinaryRequest { cases: BinaryCase[]; rounds: number; protocol: Protocol }
export interface BinaryReply {
  info: Record<string, string | number | boolean>;
  /** seconds per call, every sample of every round, per case label and kernel id. */
  samples: Record<string, Record<string, number[]>>;
}

const signs = (n: number, seed: number) => Float32Array.from(randomMatrix(n, seed), (v) => (v < 0 ? -1 : 1));
const rowWords = (c: number) => 2 * Math.ceil(c / 64);
function packed(x: Float32Array, rows: number, c: number): Uint32Array {
  const out = new Uint32Array(rows * rowWords(c));
  native.packBits(x, rows, c, out);
  return out;
}
/** The epilogue a layer uses: per-channel scale and bias (float32), or BN+sign thresholds (packed bits). */
const layerOptions = (n: number) => ({
  scale: Float32Array.from({ length: n }, (_, j) => 0.01 + j * 1e-4),
  bias: Float32Array.from({ length: n }, (_, j) => (j % 5) * 0.1),
});
const bitOptions = (n: number) => ({ thresholds: Int32Array.from({ length: n }, (_, j) => (j % 9) - 4) });

function calls(c: BinaryCase): Record<string, () => void> {
  if (c.kind === 'gemm') {
    const n = c.size, a = packed(signs(n * n, 3), n, n), b = packed(signs(n * n, 4), n, n);
    const f = new Float32Array(n * n), i = new Int32Array(n * n), lo = layerOptions(n);
    return {
      fp32: fp32GemmCall(n, n, n),
      binary: () => native.bgemm(n, n, n, a, b, f, lo),
      'binary-i32': () => native.bgemm(n, n, n, a, b, i),
    };
  }
  const s = {
    batch: 1, inH: c.hw, inW: c.hw, inC: c.c, outH: c.hw, outW: c.hw, outC: c.outC, filterH: 3, filterW: 3,
    strideH: 1, strideW: 1, dilationH: 1, dilationW: 1, padTop: 1, padLeft: 1,
  };
  const x = signs(c.hw * c.hw * c.c, 5), w = signs(9 * c.c * c.outC, 6);
  const y = new Float32Array(c.hw * c.hw * c.outC), bias = new Float32Array(c.outC);
  const xp = packed(x, c.hw * c.hw, c.c), wp = packed(w, 9 * c.outC, c.c);
  const yb = new Float32Array(y.length), bits = new Uint32Array(c.hw * c.hw * rowWords(c.outC));
  const lo = layerOptions(c.outC), bo = bitOptions(c.outC);
  return {
    fp32: () => native.conv2d(x, w, bias, y, s),
    binary: () => native.bconv2d(xp, wp, yb, s, lo),
    'binary-bits': () => native.bconv2d(xp, wp, bits, s, bo),
  };
}

const req = readRequest<BinaryRequest>();
const reply: BinaryReply = {
  info: { isa: native.isa(), threads: native.numThreads(), vpopcntdq: native.cpuFeatures().avx512Vpopcntdq },
  samples: {},
};
const all = req.cases.map((c) => ({ c, fns: calls(c) }));
for (let round = 0; round < req.rounds; round++)
  for (const { c, fns } of all)
    for (const [id, fn] of Object.entries(fns)) {
      const per = (reply.samples[c.label] ??= {});
      (per[id] ??= []).push(...measure(fn, req.protocol));
    }
process.stdout.write(JSON.stringify(reply));
