import {
  Add, Multiply, Relu, Step, Sub, backend_util, util,
  type KernelConfig, type KernelFunc, type StepAttrs, type TensorInfo,
} from '@tensorflow/tfjs-core';
import { allFloat32, cpuKernel, output, values, type KernelArgs } from '../tensor_data.js';

// Training unfuses conv/dense + bias + relu (tfjs fuses only outside gradient
// tapes), so these small ops run on every activation every step. tfjs cpu pays
// a generic broadcasting index computation per element; these loops handle the
// shapes training produces (same shape, a per-channel vector, a scalar) directly.

type BinaryOp = 'add' | 'sub' | 'mul';
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

/** b repeated to length n by doubling copies (memcpy speed, no per-element index math). */
function repeat(b: Float32Array, n: number): Float32Array {
  const wide = new Float32Array(n);
  wide.set(b.subarray(0, Math.min(b.length, n)));
  for (let len = b.length; len < n; len *= 2) wide.copyWithin(len, 0, Math.min(len, n - len));
  return wide;
}

// One monomorphic loop per operation (a shared loop calling a closure per element is 5-10× slower in V8).
function runBinary(op: BinaryOp, layout: Layout, a: Float32Array, b: Float32Array, out: Float32Array, swapped: boolean): void {
  const n = out.length;
  // A per-channel vector or a scalar is expanded once so the loops below stay elementwise.
  if (layout !== 'same') b = repeat(b, n);
  if (swapped) [a, b] = [b, a];
  if (op === 'add') for (let i = 0; i < n; i++) out[i] = a[i] + b[i];
  else if (op === 'sub') for (let i = 0; i < n; i++) out[i] = a[i] - b[i];
  else for (let i = 0; i < n; i++) out[i] = a[i] * b[i];
}

function binary(name: string, op: BinaryOp): KernelConfig {
  const fallback = cpuKernel(name);
  const kernelFunc = (args: KernelArgs<{ a: TensorInfo; b: TensorInfo }>): TensorInfo => {
    const { a, b } = args.inputs;
    if (!allFloat32(a, b)) return fallback(args as never) as TensorInfo;
    const direct = simpleBroadcast(a, b), reversed = direct ? undefined : simpleBroadcast(b, a);
    const layout = direct ?? reversed;
    if (layout === undefined) return fallback(args as never) as TensorInfo;
    const [big, small] = direct ? [a, b] : [b, a];
    const out = new Float32Array(util.sizeFromShape(big.shape));
    runBinary(op, layout, values(args.backend, big), values(args.backend, small), out, !direct);
    return output(args.backend, backend_util.assertAndGetBroadcastShape(a.shape, b.shape), out);
  };
  return { kernelName: name, backendName: 'lite', kernelFunc: kernelFunc as unknown as KernelFunc };
}

function relu(args: KernelArgs<{ x: TensorInfo }>): TensorInfo {
  const xv = values(args.backend, args.inputs.x);
  const out = new Float32Array(xv.length);
  for (let i = 0; i < out.length; i++) out[i] = xv[i] < 0 ? 0 : xv[i]; // NaN stays NaN, as in tfjs
  return output(args.backend, args.inputs.x.shape, out);
}

function step(args: KernelArgs<{ x: TensorInfo }>): TensorInfo {
  const xv = values(args.backend, args.inputs.x);
  const alpha = (args.attrs as unknown as StepAttrs).alpha ?? 0;
  const out = new Float32Array(xv.length);
  for (let i = 0; i < out.length; i++) out[i] = xv[i] > 0 ? 1 : xv[i] !== xv[i] ? NaN : alpha;
  return output(args.backend, args.inputs.x.shape, out);
}

function unary(name: string, run: (args: KernelArgs<{ x: TensorInfo }>) => TensorInfo): KernelConfig {
  const fallback = cpuKernel(name);
  const kernelFunc = (args: KernelArgs<{ x: TensorInfo }>): TensorInfo =>
    allFloat32(args.inputs.x) ? run(args) : (fallback(args as never) as TensorInfo);
  return { kernelName: name, backendName: 'lite', kernelFunc: kernelFunc as unknown as KernelFunc };
}

export const elementwiseKernels: KernelConfig[] = [
  binary(Add, 'add'),
  binary(Sub, 'sub'),
  binary(Multiply, 'mul'),
  unary(Relu, relu),
  unary(Step, step),
];
