import {
  AvgPool, AvgPoolGrad, MaxPool, MaxPoolGrad, backend_util, util,
  type AvgPoolAttrs, type AvgPoolGradAttrs, type AvgPoolGradInputs, type AvgPoolInputs,
  type KernelConfig, type KernelFunc, type MaxPoolAttrs, type MaxPoolGradAttrs,
  type MaxPoolGradInputs, type MaxPoolInputs, type TensorInfo,
} from '@tensorflow/tfjs-core';
import { kernels } from '../../kernels/index.js';
import { nativeGeometry, poolShape } from '../shapes.js';
import { allFloat32, cpuKernel, output, values, type KernelArgs } from '../tensor_data.js';

type PoolAttrs = Pick<MaxPoolAttrs, 'filterSize' | 'strides' | 'pad' | 'dimRoundingMode'>;

function poolInfo(xShape: number[], attrs: PoolAttrs) {
  return backend_util.computePool2DInfo(
    xShape as [number, number, number, number], attrs.filterSize, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode);
}

const cpuMaxPool = cpuKernel(MaxPool);
const cpuMaxPoolGrad = cpuKernel(MaxPoolGrad);
const cpuAvgPool = cpuKernel(AvgPool);
const cpuAvgPoolGrad = cpuKernel(AvgPoolGrad);

function forward(args: KernelArgs<MaxPoolInputs | AvgPoolInputs, PoolAttrs>, kind: 'max' | 'avg'): TensorInfo {
  const { x } = args.inputs as { x: TensorInfo };
  const info = poolInfo(x.shape, args.attrs);
  if (!allFloat32(args.backend, x) || !nativeGeometry(info)) {
    return (kind === 'max' ? cpuMaxPool : cpuAvgPool)(args as never) as TensorInfo;
  }
  const y = new Float32Array(util.sizeFromShape(info.outShape));
  (kind === 'max' ? kernels.maxPool : kernels.avgPool)(values(args.backend, x), y, poolShape(info));
  return output(args.backend, info.outShape, y);
}

function maxPoolGrad(args: KernelArgs<MaxPoolGradInputs, MaxPoolGradAttrs>): TensorInfo {
  const { dy, input } = args.inputs as { dy: TensorInfo; input: TensorInfo };
  const info = poolInfo(input.shape, args.attrs);
  if (!allFloat32(args.backend, dy, input) || !nativeGeometry(info)) return cpuMaxPoolGrad(args as never) as TensorInfo;
  const dx = new Float32Array(util.sizeFromShape(input.shape));
  kernels.maxPoolBackprop(values(args.backend, dy), values(args.backend, input), dx, poolShape(info));
  return output(args.backend, input.shape, dx);
}

// The true gradient of avgPool (in-bounds count); tfjs cpu divides by the full
// window even where SAME padding cuts it, which disagrees with its own forward.
function avgPoolGrad(args: KernelArgs<AvgPoolGradInputs, AvgPoolGradAttrs>): TensorInfo {
  const { dy, input } = args.inputs as { dy: TensorInfo; input: TensorInfo };
  const info = poolInfo(input.shape, { ...args.attrs, dimRoundingMode: undefined });
  if (!allFloat32(args.backend, dy, input) || !nativeGeometry(info)) return cpuAvgPoolGrad(args as never) as TensorInfo;
  const dx = new Float32Array(util.sizeFromShape(input.shape));
  kernels.avgPoolBackprop(values(args.backend, dy), dx, poolShape(info));
  return output(args.backend, input.shape, dx);
}

export const poolKernels: KernelConfig[] = [
  { kernelName: MaxPool, backendName: 'lite', kernelFunc: ((a: KernelArgs<MaxPoolInputs, MaxPoolAttrs>) => forward(a, 'max')) as unknown as KernelFunc },
  { kernelName: AvgPool, backendName: 'lite', kernelFunc: ((a: KernelArgs<AvgPoolInputs, AvgPoolAttrs>) => forward(a, 'avg')) as unknown as KernelFunc },
  { kernelName: MaxPoolGrad, backendName: 'lite', kernelFunc: maxPoolGrad as unknown as KernelFunc },
  { kernelName: AvgPoolGrad, backendName: 'lite', kernelFunc: avgPoolGrad as unknown as KernelFunc },
];
