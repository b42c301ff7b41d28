// Child process: tf.matMul on a stock tfjs backend, argv[3] = 'cpu' | 'wasm'.
// cpu: tfjs's pure-JS kernel (single-threaded). wasm: tfjs-backend-wasm's SIMD
// build (XNNPACK); its threaded build is disabled in Node by tfjs itself
// (WASM_HAS_MULTITHREAD_SUPPORT is false under IS_NODE; forcing it on leaves the
// backend uninitialised), so wasm runs on one thread here.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { measure } from '../timing.js';
import { randomMatrix, readRequest, type GemmReply, type GemmRequest } from './child.js';

const req = readRequest<GemmRequest>();
const backend = process.argv[3] ?? 'cpu';
tf.env().set('PROD', true); // silences the "install tfjs-node" banner; no effect on kernels
if (!(await tf.setBackend(backend))) throw new Error(`tfjs backend ${backend} failed to initialise`);
await tf.ready();

const reply: GemmReply = {
  info: {
    backend: tf.getBackend(),
    threads: 1,
    ...(backend === 'wasm' ? { simd: Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) } : {}),
  },
  timings: [],
};
for (const { m, n, k } of req.shapes) {
  // pure-JS tfjs needs ~20 s for one 2048³ call: time a row slice and scale by
  // m/rows, which is exact for a kernel whose cost is linear in M.
  const big = req.sliceAboveFlops !== undefined && 2 * m * n * k > req.sliceAboveFlops;
  const rows = big ? Math.min(m, req.sliceRows ?? 256) : m;
  const a = tf.tensor2d(randomMatrix(rows * k, 1), [rows, k]);
  const b = tf.tensor2d(randomMatrix(k * n, 2), [k, n]);
  // Both backends run matMul synchronously inside the call, so no dataSync():
  // it would add a copy out of the wasm heap that native does not pay.
  const sec = measure(() => tf.matMul(a, b).dispose(), req.protocol);
  reply.timings.push({ m, n, k, secPerCall: sec.map((s) => (s * m) / rows), ...(big ? { timedRows: rows } : {}) });
  a.dispose();
  b.dispose();
}
process.stdout.write(JSON.stringify(reply));
