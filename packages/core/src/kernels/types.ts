import type {
  BconvOptions, BinaryOutputOptions, PackBitsOptions,
} from '@lite/native';
import type {
  Activation, BinaryOp, ConvS8Options, ConvS8Pool, ConvShape, GemmOptions, GemmS8Options, MatmulDynamicOptions, NativeKernels, PoolShape,
} from '@lite/native';

export type { BconvOptions, BinaryOutputOptions, PackBitsOptions };
export type { SpmmOptions } from '@lite/native';
export type { AddU8Options, DepthwiseS8Options } from '@lite/native';
export type { Activation, BinaryOp, ConvS8Options, ConvS8Pool, ConvShape, GemmOptions, GemmS8Options, MatmulDynamicOptions, PoolShape };

/**
 * Every kernel lite runs, with one contract for the native addon and the
 * TypeScript reference (documented in @lite/native's NativeKernels). Kernels
 * write into the output array they are given.
 */
export type Kernels = Omit<NativeKernels, 'isa' | 'availableIsas' | 'numThreads' | 'cpuFeatures' | 'int8Kernel' | 'conv2dS8Direct'>;
