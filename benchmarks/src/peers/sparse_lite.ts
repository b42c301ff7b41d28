// Child process: one engine of the sparse benchmark on lite's native kernels, argv[3]:
//   spmm     packSparse weights, native.spmm (float32 values)
//   spmm-s8  packSparseS8 weights (int8 values, per-column scales), native.spmm
//   dense    native.gemm on the same weights stored dense (zeros included)
// argv[4] is the sparsity. The parent sets LITE_NUM_THREADS, read once when the addon loads.
import native from '@lite/native';
import { measure } from '../timing.js';
import { readRequest, type GemmReply, type GemmRequest } from './child.js';
import { activations, sparseWeights } from './sparse_operands.js';

const req = readRequest<GemmRequest>();
const engine = process.argv[3] ?? 'spmm';
const sparsity = Number(process.argv[4] ?? 0.9);
const reply: GemmReply = { info: { isa: native.isa(), threads: native.numThreads() }, timings: [] };

for (const { m, n, k } of req.shapes) {
  const w = sparseWeights(k, n, sparsity), x = activations(m, k), y = new Float32Array(m * n);
  let call: () => void;
  if (engine === 'dense') {
    call = () => native.gemm(m, n, k, x, w, y);
  } else {
    const packed = engine === 'spmm-s8'
      ? native.packSparseS8(k, n, Int8Array.from(w, (v) => Math.round(v * 127)), new Float32Array(n).fill(1 / 127))
      : native.packSparse(k, n, w);
    reply.info.packedBytes = packed.length;
    call = () => native.spmm(m, n, k, x, packed, y);
  }
  reply.timings.push({ m, n, k, secPerCall: measure(call, req.protocol) });
}
process.stdout.write(JSON.stringify(reply));
