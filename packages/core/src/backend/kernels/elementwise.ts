import {
  Add, Multiply, Relu, Step, Sub, backend_util, util,
  type KernelConfig, type KernelFunc, type StepAttrs, type TensorInfo,
} from '@tensorflow/tfjs-core';
import { kernels } from '../../kernels/index.js';
import { allFloat32, cpuKernel, output, values, type KernelArgs } from '../tensor_data.js';

// Training unfuses conv/dense + bias + relu (tfjs fuses only outside gradient
// tapes), so these small ops run on every activation every step. tfjs cpu pays
// a generic broadcasting index computation per element (and V8 a mispredicted
// branch per relu); the native kernels take the shapes training produces (same
// shape, a per-channel vector, a scalar) and leave the rest to cpu.

type Layout = 'same' | 'vector' | 'scalar';

/** How b broadcasts against a, when it does so in one of the simple ways. */
function simpleBroadcast(a: TensorInfo, b: TensorInfo): Layout | undefined {
  if (util.arraysEqual(a.shape, b.shape)) return 'same';
  const size = util.sizeFromShape(b.shape);
  if (size === 1 && b.shape.length <= a.shape.length) return 'scalar';
  const last = a.shape[a.shape.length - 1];
  const leadingOnes = b.shape.slice(0, -1).every((d) => d === 1);
  if (b.shape.length <= a.shape.length && leadingOnes && size === last) return 'vector';
  return undefined;
}

function binary(name: string, op: 'add' | 'sub' | 'mul'): KernelConfig {
  const fallback = cpuKernel(name);
  const kernelFunc = (args: KernelArgs<{ a: TensorInfo; b: TensorInfo }>): TensorInfo => {
    const { a, b } = args.inputs;
    if (!allFloat32(args.backend, a, b)) return fallback(args as never) as TensorInfo;
    const direct = simpleBroadcast(a, b) !== undefined;
    if (!direct && simpleBroadcast(b, a) === undefined) return fallback(args as never) as TensorInfo;
    const [big, small] = direct ? [a, b] : [b, a];
    if (util.sizeFromShape(big.shape) === 0) return fallback(args as never) as TensorInfo;
    const out = new Float32Array(util.sizeFromShape(big.shape));
    // With the operands swapped, a − b is computed as rsub(b, a).
    kernels.binary(!direct && op === 'sub' ? 'rsub' : op, values(args.backend, big), values(args.backend, small), out);
    return output(args.backend, backend_util.assertAndGetBroadcastShape(a.shape, b.shape), out);
  };
  return { kernelName: name, backendName: 'lite', kernelFunc: kernelFunc as unknown as KernelFunc };
}

function relu(args: KernelArgs<{ x: TensorInfo }>): TensorInfo {
  const xv = values(args.backend, args.inputs.x);
  const out = new Float32Array(xv.length);
  kernels.relu(xv, out);
  return output(args.backend, args.inputs.x.shape, out);
}

function step(args: KernelArgs<{ x: TensorInfo }>): TensorInfo {
  const xv = values(args.backend, args.inputs.x);
  const out = new Float32Array(xv.length);
  kernels.step(xv, out, (args.attrs as unknown as StepAttrs).alpha ?? 0);
  return output(args.backend, args.inputs.x.shape, out);
}

function unary(name: string, run: (args: KernelArgs<{ x: TensorInfo }>) => TensorInfo): KernelConfig {
  const fallback = cpuKernel(name);
  const kernelFunc = (args: KernelArgs<{ x: TensorInfo }>): TensorInfo =>
    allFloat32(args.backend, args.inputs.x) ? run(args) : (fallback(args as never) as TensorInfo);
  return { kernelName: name, backendName: 'lite', kernelFunc: kernelFunc as unknown as KernelFunc };
}

export const elementwiseKernels: KernelConfig[] = [
  binary(Add, 'add'),
  binary(Sub, 'sub'),
  binary(Multiply, 'mul'),
  unary(Relu, relu),
  unary(Step, step),
];
