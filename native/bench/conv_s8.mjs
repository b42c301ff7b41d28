#!/usr/bin/env node
// int8 convolution throughput, GOP/s (2·pixels·outC·filterH·filterW·inC per
// second), conv2dS8 with a static input scale and dynamically quantized, against
// our fp32 conv2d on the same shape, all measured in this run (median of runs).
//
//   LITE_NUM_THREADS=1 node native/bench/conv_s8.mjs
//   env BITS=8|4 (weights), LITE_ISA / LITE_VNNI=0 (the kernels)
import native from '../index.js';

const bits = Number(process.env.BITS ?? 8);

// [label, batch, inH, inW, inC, outC, filter, pad]
const shapes = [
  ['seedCnn conv2 5×5', 256, 12, 12, 10, 20, 5, 0],
  ['1×1 96→16', 256, 12, 12, 96, 16, 1, 0],
  ['1×1 16→96', 256, 12, 12, 16, 96, 1, 0],
  ['3×3 32→32', 256, 12, 12, 32, 32, 3, 1],
];

/** Median seconds per call: calls doubled until a batch takes 50 ms, then the median of 11 batches. */
function time(fn) {
  fn();
  let reps = 1;
  for (;;) {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) fn();
    if (performance.now() - t0 > 50) break;
    reps *= 2;
  }
  const runs = [];
  for (let r = 0; r < 11; r++) {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) fn();
    runs.push((performance.now() - t0) / 1e3 / reps);
  }
  return runs.sort((a, b) => a - b)[5];
}

const random = (array, lo, hi) => array.map(() => lo + Math.floor(Math.random() * (hi - lo + 1)));

console.log(`isa ${native.isa()}, int8 kernel ${native.int8Kernel()}, ${native.numThreads()} thread(s), int${bits} weights`);
for (const [label, batch, inH, inW, inC, outC, f, pad] of shapes) {
  const outH = inH + 2 * pad - f + 1, outW = inW + 2 * pad - f + 1;
  const shape = { batch, inH, inW, inC, outH, outW, outC, filterH: f, filterW: f, strideH: 1, strideW: 1, dilationH: 1, dilationW: 1, padTop: pad, padLeft: pad };
  const k = f * f * inC;
  const x = Float32Array.from({ length: batch * inH * inW * inC }, () => Math.random() * 4 - 1);
  const packed = bits === 8 ? native.packS8(k, outC, random(new Int8Array(k * outC), -128, 127))
    : native.packS4(k, outC, random(new Uint8Array(Math.ceil((k * outC) / 2)), 0, 255));
  const wf = Float32Array.from({ length: k * outC }, () => Math.random() - 0.5);
  const bias = new Float32Array(outC).fill(0.1), y = new Float32Array(batch * outH * outW * outC);
  const options = { scaleB: 0.01, bias, activation: 'relu' };
  const gops = (t) => (2 * batch * outH * outW * outC * k) / t / 1e9;
  const staticQ = gops(time(() => native.conv2dS8(x, packed, y, shape, { ...options, inputScale: 4 / 255, inputZeroPoint: 64 })));
  const dynamicQ = gops(time(() => native.conv2dS8(x, packed, y, shape, options)));
  const fp32 = gops(time(() => native.conv2d(x, wf, bias, y, shape, 'relu')));
  console.log(`${label.padEnd(18)} int8 static ${staticQ.toFixed(0).padStart(4)} GOP/s (${(staticQ / fp32).toFixed(2)}×)   `
    + `dynamic ${dynamicQ.toFixed(0).padStart(4)} GOP/s (${(dynamicQ / fp32).toFixed(2)}×)   fp32 conv2d ${fp32.toFixed(0).padStart(4)} GFLOP/s`);
}
