// Child process: int8 GEMM throughput on one engine, argv[3]:
//   lite      @lite/native gemmS8: uint8 activations × packed int8 weights, float32
//             out through the epilogue a layer uses (scaleA·scaleB[j] per column, bias);
//   lite-i32  the same GEMM with the exact int32 sums out (what MatMulInteger returns);
//   ort       ONNX Runtime's MatMulInteger (CPU EP, int32 out, weights a constant
//             initializer), intra-op threads = LITE_NUM_THREADS (default 1).
// The parent sets LITE_NUM_THREADS, which the addon reads once when it loads.
import native from '@lite/native';
import { measure, measureAsync } from '../timing.js';
import { readRequest, type GemmReply, type GemmRequest } from './child.js';
import { ZERO_POINT_A, int8GemmCall, int8Operands } from './gemm_calls.js';
import { loadOrt, matMulIntegerModel } from './onnxruntime.js';

const req = readRequest<GemmRequest>();
const engine = process.argv[3] ?? 'lite';
const reply: GemmReply = { info: {}, timings: [] };
const loaded = engine === 'ort' ? loadOrt() : null;
const ort = loaded?.ort;
const threads = Number(process.env.LITE_NUM_THREADS ?? 1);
if (loaded) Object.assign(reply.info, { version: loaded.ort.env.versions.common ?? '?', threads, ep: 'cpu', from: loaded.via });
else Object.assign(reply.info, { isa: native.isa(), kernel: native.int8Kernel(), threads: native.numThreads(), out: engine === 'lite-i32' ? 'int32' : 'float32' });

for (const { m, n, k } of req.shapes) {
  let secPerCall: number[];
  if (ort) {
    const { a, b } = int8Operands(m, n, k);
    const session = await ort.InferenceSession.create(matMulIntegerModel(m, n, k, b, ZERO_POINT_A), {
      intraOpNumThreads: threads, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all',
    });
    const feeds = { A: new ort.Tensor('uint8', a, [m, k]) };
    secPerCall = await measureAsync(() => session.run(feeds), req.protocol);
  } else {
    secPerCall = measure(int8GemmCall(m, n, k, engine === 'lite-i32' ? 'int32' : 'float32'), req.protocol);
  }
  reply.timings.push({ m, n, k, secPerCall });
}
process.stdout.write(JSON.stringify(reply));
