import {
  Conv2D, Conv2DBackpropFilter, Conv2DBackpropInput, FusedConv2D, backend_util, util,
  type Conv2DAttrs, type Conv2DBackpropFilterAttrs, type Conv2DBackpropFilterInputs,
  type Conv2DBackpropInputAttrs, type Conv2DBackpropInputInputs, type Conv2DInputs,
  type FusedConv2DAttrs, type FusedConv2DInputs, type KernelConfig, type KernelFunc, type TensorInfo,
} from '@tensorflow/tfjs-core';
import { kernels, type Activation } from '../../kernels/index.js';
import { convShape, nativeGeometry } from '../shapes.js';
import { allFloat32, cpuKernel, output, values, type KernelArgs } from '../tensor_data.js';
import { nativeActivation } from './fused_activation.js';

type Shape4 = [number, number, number, number];

// tfjs-layers passes `dilations: null` for depthwise layers; tfjs means 1 by it.
function convInfo(xShape: number[], filterShape: number[], attrs: Conv2DAttrs, depthwise = false) {
  return backend_util.computeConv2DInfo(
    xShape as Shape4, filterShape as Shape4, attrs.strides, attrs.dilations ?? 1, attrs.pad,
    attrs.dimRoundingMode, depthwise, backend_util.convertConv2DDataFormat(attrs.dataFormat));
}

const cpuConv2D = cpuKernel(Conv2D);
const cpuFusedConv2D = cpuKernel(FusedConv2D);
const cpuBackpropInput = cpuKernel(Conv2DBackpropInput);
const cpuBackpropFilter = cpuKernel(Conv2DBackpropFilter);

function runConv(
  args: KernelArgs<unknown, Conv2DAttrs>, x: TensorInfo, filter: TensorInfo,
  bias: Float32Array | null, activation: Activation,
): TensorInfo | undefined {
  const info = convInfo(x.shape, filter.shape, args.attrs);
  if (!nativeGeometry(info)) return undefined;
  const y = new Float32Array(util.sizeFromShape(info.outShape));
  kernels.conv2d(values(args.backend, x), values(args.backend, filter), bias, y, convShape(info), activation);
  return output(args.backend, info.outShape, y);
}

function conv2D(args: KernelArgs<Conv2DInputs, Conv2DAttrs>): TensorInfo {
  const { x, filter } = args.inputs as { x: TensorInfo; filter: TensorInfo };
  return (allFloat32(args.backend, x, filter) && runConv(args, x, filter, null, 'linear')) || (cpuConv2D(args as never) as TensorInfo);
}

function fusedConv2D(args: KernelArgs<FusedConv2DInputs, FusedConv2DAttrs>): TensorInfo {
  const { x, filter, bias } = args.inputs as { x: TensorInfo; filter: TensorInfo; bias?: TensorInfo };
  const act = nativeActivation(args.attrs.activation);
  const outC = filter.shape[3];
  const biasFits = !bias || util.sizeFromShape(bias.shape) === outC;
  const native = act !== undefined && biasFits && allFloat32(args.backend, x, filter, bias) &&
    runConv(args, x, filter, bias ? values(args.backend, bias) : null, act);
  return native || (cpuFusedConv2D(args as never) as TensorInfo);
}

function conv2DBackpropInput(args: KernelArgs<Conv2DBackpropInputInputs, Conv2DBackpropInputAttrs>): TensorInfo {
  const { dy, filter } = args.inputs as { dy: TensorInfo; filter: TensorInfo };
  const info = convInfo(args.attrs.inputShape, filter.shape, { ...args.attrs, dilations: 1 });
  if (!allFloat32(args.backend, dy, filter) || !nativeGeometry(info)) return cpuBackpropInput(args as never) as TensorInfo;
  const dx = new Float32Array(util.sizeFromShape(info.inShape));
  kernels.conv2dBackpropInput(values(args.backend, dy), values(args.backend, filter), dx, convShape(info));
  return output(args.backend, info.inShape, dx);
}

function conv2DBackpropFilter(args: KernelArgs<Conv2DBackpropFilterInputs, Conv2DBackpropFilterAttrs>): TensorInfo {
  const { x, dy } = args.inputs as { x: TensorInfo; dy: TensorInfo };
  const info = convInfo(x.shape, args.attrs.filterShape, { ...args.attrs, dilations: 1 });
  if (!allFloat32(args.backend, x, dy) || !nativeGeometry(info)) return cpuBackpropFilter(args as never) as TensorInfo;
  const dw = new Float32Array(util.sizeFromShape(info.filterShape));
  kernels.conv2dBackpropFilter(values(args.backend, x), values(args.backend, dy), dw, convShape(info));
  return output(args.backend, info.filterShape, dw);
}

export { convInfo };

export const convKernels: KernelConfig[] = [
  { kernelName: Conv2D, backendName: 'lite', kernelFunc: conv2D as unknown as KernelFunc },
  { kernelName: FusedConv2D, backendName: 'lite', kernelFunc: fusedConv2D as unknown as KernelFunc },
  { kernelName: Conv2DBackpropInput, backendName: 'lite', kernelFunc: conv2DBackpropInput as unknown as KernelFunc },
  { kernelName: Conv2DBackpropFilter, backendName: 'lite', kernelFunc: conv2DBackpropFilter as unknown as KernelFunc },
];
