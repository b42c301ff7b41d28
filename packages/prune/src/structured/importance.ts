/**
 * Channel importance for structured pruning: per channel of a space (a residual group
 * counts as one), the L1 or L2 norm of the weights that channel owns, or their summed
 * first-order Taylor scores |g·w|. Filters and neurons own their producers' kernel
 * slices (output axis); channels are scored by their consumers' kernel slices (input
 * axis: the conv's input channel, or a Dense's rows at every flattened position).
 */
import type { LayerRole } from './topology.js';
import { type ChannelSpaces, layoutChannels, type Layout } from './topology.js';

/** How a channel's importance is measured. */
export type StructuredImportance = 'l1' | 'l2' | 'taylor';

/** A kernel axis that holds one space's channels: for each index along the axis, its channel in the space or −1. */
export interface AxisChannels {
  axis: number;
  channel: Int32Array;
}

/** For each index of the axis holding `layout`, its channel in the group of `root` (or −1). */
export function axisChannels(spaces: ChannelSpaces, layout: Layout, root: number): Int32Array {
  const c = layoutChannels(spaces, layout);
  const out = new Int32Array(c * layout.positions).fill(-1);
  let offset = 0;
  for (const id of layout.segments) {
    const size = spaces.size(id);
    if (spaces.find(id) === root) for (let p = 0; p < layout.positions; p++) for (let k = 0; k < size; k++) out[p * c + offset + k] = k;
    offset += size;
  }
  return out;
}

/** The kernel slices that score the channels of `root`: producers' output axes, or consumers' input axes. */
export function scoringSlices(roles: Iterable<LayerRole>, spaces: ChannelSpaces, root: number, by: 'producer' | 'consumer'): { layer: string; axes: AxisChannels }[] {
  const out: { layer: string; axes: AxisChannels }[] = [];
  for (const role of roles) {
    if (role.kind !== 'conv' && role.kind !== 'dense') continue;
    const inAxis = role.kind === 'conv' ? 2 : 0;
    const outAxis = role.kind === 'conv' ? 3 : 1;
    if (by === 'producer' && role.produces !== undefined && spaces.find(role.produces) === root) {
      out.push({ layer: role.layer.name, axes: { axis: outAxis, channel: axisChannels(spaces, role.output, root) } });
    }
    if (by === 'consumer' && role.inputs[0].segments.some((id) => spaces.find(id) === root)) {
      out.push({ layer: role.layer.name, axes: { axis: inAxis, channel: axisChannels(spaces, role.inputs[0], root) } });
    }
  }
  return out;
}

/**
 * Adds each element's score (`|v|`, `v²` or the given per-weight score) of a kernel
 * into its channel along `axes` (row-major `shape`).
 */
export function accumulate(sums: Float64Array, values: Float32Array, shape: readonly number[], axes: AxisChannels, square: boolean): void {
  const inner = shape.slice(axes.axis + 1).reduce((p, d) => p * d, 1);
  const len = shape[axes.axis];
  for (let i = 0; i < values.length; i++) {
    const c = axes.channel[Math.floor(i / inner) % len];
    if (c < 0) continue;
    const v = values[i];
    sums[c] += square ? v * v : Math.abs(v);
  }
}

/** The channels to keep: all but the `remove` least important (ties: the later index goes), in increasing order. */
export function keepChannels(importance: Float64Array, remove: number): Int32Array {
  const order = Array.from(importance, (_, i) => i).sort((a, b) => importance[a] - importance[b] || b - a);
  const dropped = new Set(order.slice(0, remove));
  return Int32Array.from(importance.map((_, i) => i).filter((i) => !dropped.has(i)));
}
