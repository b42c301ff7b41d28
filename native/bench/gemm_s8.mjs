#!/usr/bin/env node
// int8 GEMM throughput, GOP/s (2·m·n·k per second), against our fp32 GEMM and,
// when onnxruntime-node resolves, ONNX Runtime's MatMulInteger (B a constant
// initializer, so it is pre-packed like ours), all measured in this run.
//
//   LITE_NUM_THREADS=1 node native/bench/gemm_s8.mjs [shapes as JSON, e.g. '[[256,1024,1024]]']
//   env OUT=int32|float32|uint8 (the epilogue), BITS=8|4 (weights), LITE_ISA / LITE_VNNI=0 (the kernel)
//
// onnxruntime-node's install script fetches GPU files; `npm install --no-save
// --ignore-scripts onnxruntime-node` gets its CPU binary, which is enough here.
import { createRequire } from 'node:module';
import native from '../index.js';

const shapes = process.argv[2] ? JSON.parse(process.argv[2]) : [
  [256, 256, 256], [512, 512, 512], [1024, 1024, 1024], [2048, 2048, 2048],
  [1, 512, 512], [64, 512, 512], [256, 512, 512], [1, 1024, 1024], [64, 1024, 1024], [256, 1024, 1024],
];
const outType = process.env.OUT ?? 'int32';
const bits = Number(process.env.BITS ?? 8);

/** Seconds per call: calls doubled until a batch takes 0.3 s, then the best of 3 batches. */
async function time(fn) {
  await fn();
  let reps = 1;
  for (;;) {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) await fn();
    if (performance.now() - t0 > 300) break;
    reps *= 2;
  }
  let best = Infinity;
  for (let r = 0; r < 3; r++) {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) await fn();
    best = Math.min(best, (performance.now() - t0) / 1e3 / reps);
  }
  return best;
}

const random = (array, lo, hi) => array.map(() => lo + Math.floor(Math.random() * (hi - lo + 1)));

// ---------------------------------------------------------------- ONNX Runtime

/** A one-node ONNX model, C = MatMulInteger(A, B, aZeroPoint), protobuf encoded by hand. */
function matMulIntegerModel(m, n, k, b) {
  const varint = (v) => { const out = []; let x = BigInt(v); do { let byte = Number(x & 0x7fn); x >>= 7n; if (x) byte |= 0x80; out.push(byte); } while (x); return out; };
  const bytes = (field, data) => [...varint((field << 3) | 2), ...varint(data.length), ...data];
  const str = (field, s) => bytes(field, [...Buffer.from(s)]);
  const int = (field, v) => [...varint(field << 3), ...varint(v)];
  const msg = (field, parts) => bytes(field, parts.flat());
  const valueInfo = (field, name, type, dims) =>
    msg(field, [str(1, name), msg(2, [msg(1, [int(1, type), msg(2, dims.map((d) => msg(1, [int(1, d)])))])])]);
  const tensor = (name, type, dims, raw) => msg(5, [...dims.map((d) => int(1, d)), int(2, type), str(8, name), bytes(9, [...raw])]);
  const UINT8 = 2, INT8 = 3, INT32 = 6;
  const node = msg(1, [str(1, 'A'), str(1, 'B'), str(1, 'azp'), str(2, 'C'), str(4, 'MatMulInteger')]);
  const graph = msg(7, [node, str(2, 'g'), tensor('B', INT8, [k, n], new Uint8Array(b.buffer)), tensor('azp', UINT8, [], [7]),
    valueInfo(11, 'A', UINT8, [m, k]), valueInfo(12, 'C', INT32, [m, n])]);
  return Uint8Array.from([...int(1, 8), ...msg(8, [str(1, ''), int(2, 13)]), ...graph]);
}

let ort = null;
try {
  ort = createRequire(import.meta.url)('onnxruntime-node');
} catch {
  console.log('(onnxruntime-node not found: no ONNX Runtime column)');
}
const threads = native.numThreads();

console.log(`isa ${native.isa()}, int8 kernel ${native.int8Kernel()}, ${threads} thread(s), out ${outType}, int${bits} weights`);
for (const [m, n, k] of shapes) {
  const a = random(new Uint8Array(m * k), 0, 255);
  const b = random(new Int8Array(k * n), -128, 127);
  const packed = bits === 8 ? native.packS8(k, n, b) : native.packS4(k, n, random(new Uint8Array(Math.ceil((k * n) / 2)), 0, 255));
  const out = { int32: Int32Array, float32: Float32Array, uint8: Uint8Array }[outType];
  const c = new out(m * n);
  const options = outType === 'int32' ? { zeroPointA: 7 }
    : { zeroPointA: 7, scaleA: 0.01, scaleB: 0.02, bias: new Float32Array(n), ...(outType === 'uint8' ? { outScale: 1 } : {}) };
  const gops = (t) => (2 * m * n * k) / t / 1e9;
  const int8 = gops(await time(() => native.gemmS8(m, n, k, a, packed, c, options)));
  const af = Float32Array.from({ length: m * k }, Math.random), bf = Float32Array.from({ length: k * n }, Math.random);
  const cf = new Float32Array(m * n);
  const fp32 = gops(await time(() => native.gemm(m, n, k, af, bf, cf)));
  let line = `${m}×${n}×${k}`.padEnd(16) + `int8 ${int8.toFixed(0).padStart(5)} GOP/s   fp32 ${fp32.toFixed(0).padStart(4)} GFLOP/s (${(int8 / fp32).toFixed(2)}×)`;
  if (ort) {
    const session = await ort.InferenceSession.create(matMulIntegerModel(m, n, k, b),
      { intraOpNumThreads: threads, interOpNumThreads: 1, graphOptimizationLevel: 'all' });
    const input = { A: new ort.Tensor('uint8', a, [m, k]) };
    const peer = gops(await time(() => session.run(input)));
    line += `   ORT MatMulInteger ${peer.toFixed(0).padStart(4)} GOP/s (${(int8 / peer).toFixed(2)}×)`;
  }
  console.log(line);
}
