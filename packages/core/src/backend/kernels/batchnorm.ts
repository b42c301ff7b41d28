import {
  FusedBatchNorm, util,
  type FusedBatchNormAttrs, type KernelConfig, type KernelFunc, type TensorInfo,
} from '@tensorflow/tfjs-core';
import { kernels } from '../../kernels/index.js';
import { allFloat32, cpuKernel, output, values, type KernelArgs } from '../tensor_data.js';

const cpuBatchNorm = cpuKernel(FusedBatchNorm);

type Inputs = { x: TensorInfo; mean: TensorInfo; variance: TensorInfo; offset?: TensorInfo; scale?: TensorInfo };

// Inference-mode BatchNormalization: per channel it is y = x·a + b with
// a = scale/√(var + ε) and b = offset − mean·a, two native passes instead of
// tfjs cpu's per-element index arithmetic.
function batchNorm(args: KernelArgs<Inputs, FusedBatchNormAttrs>): TensorInfo {
  const { x, mean, variance, offset, scale } = args.inputs;
  const channels = x.shape[x.shape.length - 1];
  const vectors = [mean, variance, offset, scale].filter((t): t is TensorInfo => t !== undefined);
  const perChannel = vectors.every((t) => t.shape.length === 1 && t.shape[0] === channels);
  if (!allFloat32(args.backend, x, ...vectors) || !perChannel || util.sizeFromShape(x.shape) === 0) {
    return cpuBatchNorm(args as never) as TensorInfo;
  }
  const m = values(args.backend, mean), v = values(args.backend, variance);
  const o = offset ? values(args.backend, offset) : undefined, s = scale ? values(args.backend, scale) : undefined;
  const a = new Float32Array(channels), b = new Float32Array(channels);
  for (let c = 0; c < channels; c++) {
    a[c] = (s ? s[c] : 1) / Math.sqrt(v[c] + args.attrs.varianceEpsilon);
    b[c] = (o ? o[c] : 0) - m[c] * a[c];
  }
  const xv = values(args.backend, x);
  const scaled = new Float32Array(xv.length), out = new Float32Array(xv.length);
  kernels.binary('mul', xv, a, scaled);
  kernels.binary('add', scaled, b, out);
  return output(args.backend, x.shape, out);
}

export const batchNormKernels: KernelConfig[] = [
  { kernelName: FusedBatchNorm, backendName: 'lite', kernelFunc: batchNorm as unknown as KernelFunc },
];
