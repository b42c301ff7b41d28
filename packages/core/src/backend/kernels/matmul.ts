import {
  BatchMatMul, _FusedMatMul, broadcast_util, util,
  type BatchMatMulAttrs, type BatchMatMulInputs, type KernelConfig, type KernelFunc,
  type TensorInfo, type _FusedMatMulAttrs, type _FusedMatMulInputs,
} from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { kernels, type Activation } from '../../kernels/index.js';
import { allFloat32, cpuKernel, output, values, type KernelArgs } from '../tensor_data.js';
import { nativeActivation } from './fused_activation.js';

/** One GEMM per batch entry (tfjs's broadcasting of the batch dimensions), reading both inputs in place. */
function matMul(
  backend: MathBackendCPU, a: TensorInfo, b: TensorInfo,
  transposeA: boolean, transposeB: boolean, bias: Float32Array | null, activation: Activation,
): TensorInfo {
  const aRank = a.shape.length, bRank = b.shape.length;
  const k = transposeA ? a.shape[aRank - 2] : a.shape[aRank - 1];
  const m = transposeA ? a.shape[aRank - 1] : a.shape[aRank - 2];
  const n = transposeB ? b.shape[bRank - 2] : b.shape[bRank - 1];
  const kB = transposeB ? b.shape[bRank - 1] : b.shape[bRank - 2];
  util.assert(k === kB, () => `Error in matMul: inner shapes (${k}) and (${kB}) of Tensors with shapes ${a.shape} and ${b.shape} and transposeA=${transposeA} and transposeB=${transposeB} must match.`);
  const outer = broadcast_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
  const batchA = util.sizeFromShape(a.shape.slice(0, -2)), batchB = util.sizeFromShape(b.shape.slice(0, -2));
  const batch = Math.max(batchA, batchB);
  const av = values(backend, a), bv = values(backend, b);
  const out = new Float32Array(batch * m * n);
  const options = { transA: transposeA, transB: transposeB, bias, activation };
  if (batchB === 1 && !transposeA) {
    // Every batch entry shares B: one tall GEMM over all rows of A.
    kernels.gemm(batch * m, n, k, av, bv, out, options);
  } else {
    for (let i = 0; i < batch; i++) {
      const aOff = (i % batchA) * m * k, bOff = (i % batchB) * k * n;
      kernels.gemm(m, n, k, av.subarray(aOff, aOff + m * k), bv.subarray(bOff, bOff + k * n),
        out.subarray(i * m * n, (i + 1) * m * n), options);
    }
  }
  return output(backend, [...outer, m, n], out);
}

const cpuBatchMatMul = cpuKernel(BatchMatMul);
const cpuFusedMatMul = cpuKernel(_FusedMatMul);

function batchMatMul(args: KernelArgs<BatchMatMulInputs, BatchMatMulAttrs>): TensorInfo {
  const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
  if (!allFloat32(args.backend, a, b)) return cpuBatchMatMul(args as never) as TensorInfo;
  return matMul(args.backend, a, b, args.attrs.transposeA, args.attrs.transposeB, null, 'linear');
}

function fusedMatMul(args: KernelArgs<_FusedMatMulInputs, _FusedMatMulAttrs>): TensorInfo {
  const { a, b, bias } = args.inputs as { a: TensorInfo; b: TensorInfo; bias?: TensorInfo };
  const { transposeA, transposeB, activation } = args.attrs;
  const act = nativeActivation(activation);
  const n = transposeB ? b.shape[b.shape.length - 2] : b.shape[b.shape.length - 1];
  const biasFits = !bias || util.sizeFromShape(bias.shape) === n;
  if (act === undefined || !biasFits || !allFloat32(args.backend, a, b, bias)) return cpuFusedMatMul(args as never) as TensorInfo;
  const biasValues = bias ? values(args.backend, bias) : null;
  return matMul(args.backend, a, b, transposeA, transposeB, biasValues, act);
}

export const matMulKernels: KernelConfig[] = [
  { kernelName: BatchMatMul, backendName: 'lite', kernelFunc: batchMatMul as unknown as KernelFunc },
  { kernelName: _FusedMatMul, backendName: 'lite', kernelFunc: fusedMatMul as unknown as KernelFunc },
];
