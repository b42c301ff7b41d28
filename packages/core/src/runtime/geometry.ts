import type { Padding } from '../graph/index.js';

/** One spatial axis of a window op: its output size and the padding before the first element. */
export interface AxisGeometry {
  out: number;
  /** Padding before the first row/column (tfjs puts the odd one after). */
  padBefore: number;
  /** Padding after the last row/column. */
  padAfter: number;
}

/**
 * Output size and padding of one axis of a convolution or pooling window, as
 * tfjs computes them: 'valid' uses no padding, 'same' gives ⌈in/stride⌉ outputs
 * with the total padding split evenly, the odd element after.
 */
export function axisGeometry(inSize: number, filter: number, stride: number, dilation: number, padding: Padding): AxisGeometry {
  const extent = (filter - 1) * dilation + 1;
  if (padding === 'valid') {
    const out = Math.ceil((inSize - extent + 1) / stride);
    return { out, padBefore: 0, padAfter: 0 };
  }
  const out = Math.ceil(inSize / stride);
  const total = Math.max(0, (out - 1) * stride + extent - inSize);
  const padBefore = Math.floor(total / 2);
  return { out, padBefore, padAfter: total - padBefore };
}

/** Product of a shape's dimensions (1 for a scalar). */
export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}
