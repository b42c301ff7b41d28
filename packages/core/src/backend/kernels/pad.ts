import {
  PadV2, util,
  type KernelConfig, type KernelFunc, type PadV2Attrs, type TensorInfo,
} from '@tensorflow/tfjs-core';
import { allFloat32, cpuKernel, output, values, type KernelArgs } from '../tensor_data.js';

const cpuPad = cpuKernel(PadV2);

// ZeroPadding2D before every strided conv of a MobileNet: tfjs cpu computes each
// output element's source index; here each innermost run of the input is copied
// (memcpy speed) into a constant-filled output.
function pad(args: KernelArgs<{ x: TensorInfo }, PadV2Attrs>): TensorInfo {
  const { x } = args.inputs;
  const { paddings, constantValue } = args.attrs;
  const rank = x.shape.length;
  const valid = paddings.length === rank && paddings.every(([a, b]) => a >= 0 && b >= 0);
  if (!allFloat32(args.backend, x) || rank === 0 || !valid) return cpuPad(args as never) as TensorInfo;
  const shape = x.shape.map((d, i) => d + paddings[i][0] + paddings[i][1]);
  const out = new Float32Array(util.sizeFromShape(shape));
  if (constantValue !== 0) out.fill(constantValue);
  const xv = values(args.backend, x);
  const run = x.shape[rank - 1];
  const outStrides = util.computeStrides(shape);
  const rows = run === 0 ? 0 : xv.length / run;
  const index = new Array<number>(rank - 1).fill(0);
  for (let r = 0; r < rows; r++) {
    let offset = paddings[rank - 1][0];
    for (let d = 0; d < rank - 1; d++) offset += (index[d] + paddings[d][0]) * outStrides[d];
    out.set(xv.subarray(r * run, (r + 1) * run), offset);
    for (let d = rank - 2; d >= 0 && ++index[d] === x.shape[d]; d--) index[d] = 0;
  }
  return output(args.backend, shape, out);
}

export const padKernels: KernelConfig[] = [{ kernelName: PadV2, backendName: 'lite', kernelFunc: pad as unknown as KernelFunc }];
