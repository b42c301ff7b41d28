// Child process: lite's native fp32 GEMM. The parent sets LITE_NUM_THREADS,
// which the addon reads once when it loads.
import native from '@lite/native';
import { measure } from '../timing.js';
import { readRequest, type GemmReply, type GemmRequest } from './child.js';
import { fp32GemmCall } from './gemm_calls.js';

const req = readRequest<GemmRequest>();
const reply: GemmReply = {
  info: { isa: native.isa(), threads: native.numThreads() },
  timings: [],
};
for (const { m, n, k } of req.shapes) {
  reply.timings.push({ m, n, k, secPerCall: measure(fp32GemmCall(m, n, k), req.protocol) });
}
process.stdout.write(JSON.stringify(reply));
