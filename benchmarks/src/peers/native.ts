// Child process: lite's native fp32 GEMM. The parent sets LITE_NUM_THREADS,
// which the addon reads once when it loads.
import native from '@lite/native';
import { measure } from '../timing.js';
import { randomMatrix, readRequest, type GemmReply, type GemmRequest } from './child.js';

const req = readRequest<GemmRequest>();
const reply: GemmReply = {
  info: { isa: native.isa(), threads: native.numThreads() },
  timings: [],
};
for (const { m, n, k } of req.shapes) {
  const a = randomMatrix(m * k, 1);
  const b = randomMatrix(k * n, 2);
  const c = new Float32Array(m * n);
  const secPerCall = measure(() => native.gemm(m, n, k, a, b, c), req.protocol);
  reply.timings.push({ m, n, k, secPerCall });
}
process.stdout.write(JSON.stringify(reply));
