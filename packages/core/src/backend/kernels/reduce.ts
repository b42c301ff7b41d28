import {
  Mean, Sum, backend_util, util,
  type KernelConfig, type KernelFunc, type SumAttrs, type TensorInfo,
} from '@tensorflow/tfjs-core';
import { kernels } from '../../kernels/index.js';
import { allFloat32, cpuKernel, output, values, type KernelArgs } from '../tensor_data.js';


/** [outer, inner] when the reduced axes are a leading or a trailing run of the shape. */
function contiguousSplit(shape: number[], axes: number[]): { outer: number; inner: number; leading: boolean } | undefined {
  const sorted = [...axes].sort((p, q) => p - q);
  const rank = shape.length;
  const isPrefix = sorted.every((axis, i) => axis === i);
  const isSuffix = sorted.every((axis, i) => axis === rank - sorted.length + i);
  if (!isPrefix && !isSuffix) return undefined;
  const split = isPrefix ? sorted.length : rank - sorted.length;
  return {
    outer: util.sizeFromShape(shape.slice(0, split)),
    inner: util.sizeFromShape(shape.slice(split)),
    leading: isPrefix,
  };
}

// Sum over leading axes is the bias gradient of every conv and dense layer, and
// Mean over the spatial axes is GlobalAveragePooling; tfjs cpu transposes the
// whole tensor first. Accumulates in float64 as tfjs does. (A reduction over
// every axis is a leading one: one column.)
function reduction(name: typeof Sum | typeof Mean): KernelConfig {
  const fallback = cpuKernel(name);
  const kernelFunc = (args: KernelArgs<{ x: TensorInfo }, SumAttrs>): TensorInfo => {
    const { x } = args.inputs;
    const axes = util.parseAxisParam(args.attrs.axis, x.shape);
    const split = allFloat32(args.backend, x) && axes.length > 0 ? contiguousSplit(x.shape, axes) : undefined;
    if (!split) return fallback(args as never) as TensorInfo;
    const { outer, inner, leading } = split;
    const out = new Float32Array(leading ? inner : outer);
    kernels.sum(values(args.backend, x), out, outer, inner, leading ? 0 : 1);
    if (name === Mean) {
      const count = leading ? outer : inner;
      for (let i = 0; i < out.length; i++) out[i] /= count;
    }
    const [reducedShape] = backend_util.computeOutAndReduceShapes(x.shape, axes);
    const shape = args.attrs.keepDims ? backend_util.expandShapeToKeepDim(reducedShape, axes) : reducedShape;
    return output(args.backend, shape, out);
  };
  return { kernelName: name, backendName: 'lite', kernelFunc: kernelFunc as unknown as KernelFunc };
}

export const reduceKernels: KernelConfig[] = [reduction(Sum), reduction(Mean)];
