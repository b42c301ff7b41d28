import {
  DepthwiseConv2dNative, DepthwiseConv2dNativeBackpropFilter, DepthwiseConv2dNativeBackpropInput,
  FusedDepthwiseConv2D, util,
  type DepthwiseConv2dNativeAttrs, type DepthwiseConv2dNativeBackpropFilterAttrs,
  type DepthwiseConv2dNativeBackpropFilterInputs, type DepthwiseConv2dNativeBackpropInputAttrs,
  type DepthwiseConv2dNativeBackpropInputInputs, type DepthwiseConv2dNativeInputs,
  type FusedDepthwiseConv2DAttrs, type FusedDepthwiseConv2DInputs,
  type KernelConfig, type KernelFunc, type TensorInfo,
} from '@tensorflow/tfjs-core';
import { kernels, type Activation } from '../../kernels/index.js';
import { convShape, nativeGeometry } from '../shapes.js';
import { allFloat32, cpuKernel, output, values, type KernelArgs } from '../tensor_data.js';
import { convInfo } from './conv.js';
import { nativeActivation } from './fused_activation.js';

const cpuDepthwise = cpuKernel(DepthwiseConv2dNative);
const cpuFusedDepthwise = cpuKernel(FusedDepthwiseConv2D);
const cpuBackpropInput = cpuKernel(DepthwiseConv2dNativeBackpropInput);
const cpuBackpropFilter = cpuKernel(DepthwiseConv2dNativeBackpropFilter);

type Attrs = DepthwiseConv2dNativeAttrs;

function runDepthwise(
  args: KernelArgs<unknown, Attrs>, x: TensorInfo, filter: TensorInfo,
  bias: Float32Array | null, activation: Activation,
): TensorInfo | undefined {
  const info = convInfo(x.shape, filter.shape, { ...args.attrs, dataFormat: 'NHWC' }, true);
  if (args.attrs.dataFormat === 'NCHW' || !nativeGeometry(info)) return undefined;
  const y = new Float32Array(util.sizeFromShape(info.outShape));
  kernels.depthwiseConv2d(values(args.backend, x), values(args.backend, filter), bias, y, convShape(info), activation);
  return output(args.backend, info.outShape, y);
}

function depthwise(args: KernelArgs<DepthwiseConv2dNativeInputs, Attrs>): TensorInfo {
  const { x, filter } = args.inputs as { x: TensorInfo; filter: TensorInfo };
  return (allFloat32(args.backend, x, filter) && runDepthwise(args, x, filter, null, 'linear')) || (cpuDepthwise(args as never) as TensorInfo);
}

function fusedDepthwise(args: KernelArgs<FusedDepthwiseConv2DInputs, FusedDepthwiseConv2DAttrs>): TensorInfo {
  const { x, filter, bias } = args.inputs as { x: TensorInfo; filter: TensorInfo; bias?: TensorInfo };
  const act = nativeActivation(args.attrs.activation);
  const outC = filter.shape[2] * filter.shape[3];
  const biasFits = !bias || util.sizeFromShape(bias.shape) === outC;
  const native = act !== undefined && biasFits && allFloat32(args.backend, x, filter, bias) &&
    runDepthwise(args, x, filter, bias ? values(args.backend, bias) : null, act);
  return native || (cpuFusedDepthwise(args as never) as TensorInfo);
}

function backpropInput(args: KernelArgs<DepthwiseConv2dNativeBackpropInputInputs, DepthwiseConv2dNativeBackpropInputAttrs>): TensorInfo {
  const { dy, filter } = args.inputs as { dy: TensorInfo; filter: TensorInfo };
  const info = convInfo(args.attrs.inputShape, filter.shape, { ...args.attrs, dataFormat: 'NHWC' }, true);
  if (!allFloat32(args.backend, dy, filter) || !nativeGeometry(info)) return cpuBackpropInput(args as never) as TensorInfo;
  const dx = new Float32Array(util.sizeFromShape(info.inShape));
  kernels.depthwiseConv2dBackpropInput(values(args.backend, dy), values(args.backend, filter), dx, convShape(info));
  return output(args.backend, info.inShape, dx);
}

function backpropFilter(args: KernelArgs<DepthwiseConv2dNativeBackpropFilterInputs, DepthwiseConv2dNativeBackpropFilterAttrs>): TensorInfo {
  const { x, dy } = args.inputs as { x: TensorInfo; dy: TensorInfo };
  const info = convInfo(x.shape, args.attrs.filterShape, { ...args.attrs, dataFormat: 'NHWC' }, true);
  if (!allFloat32(args.backend, x, dy) || !nativeGeometry(info)) return cpuBackpropFilter(args as never) as TensorInfo;
  const dw = new Float32Array(util.sizeFromShape(info.filterShape));
  kernels.depthwiseConv2dBackpropFilter(values(args.backend, x), values(args.backend, dy), dw, convShape(info));
  return output(args.backend, info.filterShape, dw);
}

export const depthwiseKernels: KernelConfig[] = [
  { kernelName: DepthwiseConv2dNative, backendName: 'lite', kernelFunc: depthwise as unknown as KernelFunc },
  { kernelName: FusedDepthwiseConv2D, backendName: 'lite', kernelFunc: fusedDepthwise as unknown as KernelFunc },
  { kernelName: DepthwiseConv2dNativeBackpropInput, backendName: 'lite', kernelFunc: backpropInput as unknown as KernelFunc },
  { kernelName: DepthwiseConv2dNativeBackpropFilter, backendName: 'lite', kernelFunc: backpropFilter as unknown as KernelFunc },
];
