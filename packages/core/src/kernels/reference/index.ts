import type { Kernels } from '../types.js';
import { gemm } from './gemm.js';
import { conv2d, conv2dBackpropFilter, conv2dBackpropInput } from './conv.js';
import { depthwiseConv2d, depthwiseConv2dBackpropFilter, depthwiseConv2dBackpropInput } from './depthwise.js';
import { avgPool, avgPoolBackprop, maxPool, maxPoolBackprop } from './pool.js';
import { binary, relu, step, sum } from './elementwise.js';
import { int8 } from './gemm_s8.js';
import { conv2dS8 } from './conv_s8.js';
import { binaryKernels } from './bconv.js';
import { sparse } from './spmm.js';
import { addU8, avgPoolU8, depthwiseConv2dS8, maxPoolU8 } from './dw_s8.js';

/** The TypeScript reference kernels: the test oracle, and the fallback without the addon. */
export const reference: Kernels = {
  gemm,
  conv2d,
  conv2dBackpropInput,
  conv2dBackpropFilter,
  depthwiseConv2d,
  depthwiseConv2dBackpropInput,
  depthwiseConv2dBackpropFilter,
  maxPool,
  maxPoolBackprop,
  avgPool,
  avgPoolBackprop,
  binary,
  relu,
  step,
  sum,
  ...int8,
  conv2dS8,
  ...binaryKernels,
  ...sparse,
  depthwiseConv2dS8,
  maxPoolU8,
  avgPoolU8,
  addU8,
};
