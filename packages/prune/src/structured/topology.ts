/**
 * Channel analysis for structured pruning: which channels of a Layers model are the
 * same channel. Every Conv2D/Dense output starts a *channel space*; layers that keep
 * channels one-to-one (BatchNormalization, activations, pooling, padding, dropout,
 * DepthwiseConv2D with multiplier 1) pass their input's layout on; merges (Add,
 * Multiply, …) unite their inputs' spaces, so a residual group is pruned as one;
 * Concatenate lists its inputs' spaces one after another; Flatten repeats them at
 * every spatial position (NHWC: flat index = position·C + c). Any other layer
 * *freezes* the spaces it reads (they are never pruned) and starts a frozen space, as
 * do model inputs; the spaces of model outputs are frozen too.
 */
import type * as tfl from '@tensorflow/tfjs-layers';

/** Layers that keep channels one-to-one and have no weights. */
const PASS_THROUGH = new Set([
  'Activation', 'ReLU', 'LeakyReLU', 'ELU', 'ThresholdedReLU', 'Dropout', 'SpatialDropout1D', 'SpatialDropout2D',
  'GaussianNoise', 'GaussianDropout', 'AlphaDropout', 'MaxPooling2D', 'AveragePooling2D', 'MaxPool2D', 'AvgPool2D',
  'GlobalAveragePooling2D', 'GlobalMaxPooling2D', 'ZeroPadding2D', 'Cropping2D', 'UpSampling2D',
]);
/** Element-wise merges: their inputs' channels are the same channels. */
const MERGES = new Set(['Add', 'Multiply', 'Average', 'Maximum', 'Minimum', 'Subtract']);

/** How a layer's channels relate to its inputs'. */
export type LayerKind = 'input' | 'conv' | 'dense' | 'depthwise' | 'batchNorm' | 'pass' | 'merge' | 'concat' | 'flatten' | 'opaque';

/**
 * The channel layout of a tensor's last axis: the spaces it holds, one after another,
 * repeated at `positions` positions (more than 1 only after Flatten). Index of channel
 * c of segment s at position p: `p·C + offset(s) + c`, C the sum of the segments' sizes.
 */
export interface Layout {
  segments: number[];
  positions: number;
}

/** A layer's place in the channel graph. */
export interface LayerRole {
  layer: tfl.layers.Layer;
  kind: LayerKind;
  /** Layouts of its inputs, in order. */
  inputs: Layout[];
  output: Layout;
  /** Conv2D/Dense: the space its output channels start. */
  produces?: number;
}

interface Space {
  size: number;
  parent: number;
  producers: string[];
  frozen?: string;
}

/** Spaces with union–find: a residual group is one root. */
export class ChannelSpaces {
  private readonly spaces: Space[] = [];

  /** A new space of `size` channels made by `producer` (a layer name), frozen when `frozen` says why. */
  add(size: number, producer?: string, frozen?: string): number {
    this.spaces.push({ size, parent: this.spaces.length, producers: producer ? [producer] : [], ...(frozen ? { frozen } : {}) });
    return this.spaces.length - 1;
  }

  /** The root of `id`'s group. */
  find(id: number): number {
    let r = id;
    while (this.spaces[r].parent !== r) r = this.spaces[r].parent;
    for (let s = id; s !== r; ) [s, this.spaces[s].parent] = [this.spaces[s].parent, r];
    return r;
  }

  /** Unites two groups (same size; merges producers and frozen reasons). */
  union(a: number, b: number, where: string): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra === rb) return;
    const A = this.spaces[ra];
    const B = this.spaces[rb];
    if (A.size !== B.size) throw new RangeError(`structured pruning: layer '${where}' merges ${A.size} and ${B.size} channels; the model is not consistent`);
    B.parent = ra;
    A.producers.push(...B.producers);
    A.frozen ??= B.frozen;
  }

  freeze(id: number, why: string): void {
    const s = this.spaces[this.find(id)];
    s.frozen ??= why;
  }

  size(id: number): number {
    return this.spaces[this.find(id)].size;
  }

  producers(id: number): readonly string[] {
    return this.spaces[this.find(id)].producers;
  }

  frozen(id: number): string | undefined {
    return this.spaces[this.find(id)].frozen;
  }

  /** The distinct roots. */
  roots(): number[] {
    return this.spaces.map((_, i) => i).filter((i) => this.spaces[i].parent === i);
  }
}

/** Channels of a layout (one position). */
export function layoutChannels(spaces: ChannelSpaces, layout: Layout): number {
  return layout.segments.reduce((s, id) => s + spaces.size(id), 0);
}

/** The shape of a layer's (only) input or output. */
function shapeOf(t: tfl.SymbolicTensor | tfl.SymbolicTensor[]): (number | null)[] {
  return (Array.isArray(t) ? t[0] : t).shape;
}

const lastDim = (layer: tfl.layers.Layer): number => {
  const s = shapeOf(layer.output);
  return s[s.length - 1] ?? 0;
};

function inboundLayers(layer: tfl.layers.Layer): tfl.layers.Layer[] {
  const nodes = (layer as unknown as { inboundNodes: { inboundLayers: tfl.layers.Layer[] }[] }).inboundNodes;
  if (nodes.length > 1) throw new RangeError(`structured pruning does not support shared layers: '${layer.name}' is called ${nodes.length} times; build the model with one layer per call`);
  return nodes.length === 0 ? [] : nodes[0].inboundLayers;
}

/** The classification of a layer whose inputs have layouts `ins`. */
function classify(layer: tfl.layers.Layer, ins: Layout[]): LayerKind {
  const cls = layer.getClassName();
  const config = layer.getConfig() as Record<string, unknown>;
  const single = ins.length === 1;
  const channelLast = config.dataFormat === undefined || config.dataFormat === 'channelsLast';
  if (cls === 'InputLayer') return 'input';
  if (cls === 'Conv2D' && single && ins[0].positions === 1 && channelLast) return 'conv';
  if (cls === 'Dense' && single) return 'dense';
  if (cls === 'DepthwiseConv2D' && single && ins[0].positions === 1 && channelLast && (config.depthMultiplier ?? 1) === 1) return 'depthwise';
  if (cls === 'BatchNormalization' && single && (config.axis === -1 || config.axis === shapeOf(layer.input).length - 1)) return 'batchNorm';
  if (PASS_THROUGH.has(cls) && single && channelLast && !(cls === 'Activation' && config.activation === 'softmax')) return 'pass';
  if (MERGES.has(cls) && ins.length > 1 && ins.every((l) => l.positions === ins[0].positions && l.segments.length === ins[0].segments.length)) return 'merge';
  if (cls === 'Concatenate' && ins.length > 1 && (config.axis === -1 || config.axis === shapeOf(layer.output).length - 1) && ins.every((l) => l.positions === 1)) return 'concat';
  if (cls === 'Flatten' && single) return 'flatten';
  return 'opaque';
}

/** Analyzes `model`'s channels: every layer's role (by name) and the spaces. */
export function analyzeChannels(model: tfl.LayersModel): { spaces: ChannelSpaces; roles: Map<string, LayerRole> } {
  const spaces = new ChannelSpaces();
  const roles = new Map<string, LayerRole>();
  const fresh = (layer: tfl.layers.Layer, why: string): Layout => ({ segments: [spaces.add(lastDim(layer), undefined, why)], positions: 1 });
  const visit = (layer: tfl.layers.Layer): LayerRole => {
    const known = roles.get(layer.name);
    if (known) return known;
    const inputs = inboundLayers(layer).map((l) => visit(l).output);
    const kind = classify(layer, inputs);
    let role: LayerRole;
    switch (kind) {
      case 'input':
        role = { layer, kind, inputs, output: fresh(layer, `it is the model input '${layer.name}'`) };
        break;
      case 'conv':
      case 'dense': {
        const produces = spaces.add(lastDim(layer), layer.name);
        role = { layer, kind, inputs, output: { segments: [produces], positions: 1 }, produces };
        break;
      }
      case 'merge':
        for (const l of inputs.slice(1)) l.segments.forEach((id, i) => spaces.union(inputs[0].segments[i], id, layer.name));
        role = { layer, kind, inputs, output: inputs[0] };
        break;
      case 'concat':
        role = { layer, kind, inputs, output: { segments: inputs.flatMap((l) => l.segments), positions: 1 } };
        break;
      case 'flatten': {
        const spatial = shapeOf(layer.input).slice(1, -1).reduce((p: number, d) => p * (d ?? 1), 1);
        role = { layer, kind, inputs, output: { segments: inputs[0].segments, positions: inputs[0].positions * spatial } };
        break;
      }
      case 'opaque':
        for (const l of inputs) for (const id of l.segments) spaces.freeze(id, `layer '${layer.name}' (${layer.getClassName()}) reads it, and structured pruning cannot rewrite that layer`);
        role = { layer, kind, inputs, output: fresh(layer, `layer '${layer.name}' (${layer.getClassName()}) makes it`) };
        break;
      default:
        role = { layer, kind, inputs, output: inputs[0] };
    }
    roles.set(layer.name, role);
    return role;
  };
  for (const layer of model.layers) visit(layer);
  // Sequential models leave outputLayers empty: the outputs' source layers are the same thing.
  for (const out of model.outputs.map((o) => o.sourceLayer)) for (const id of visit(out).output.segments) spaces.freeze(id, `it is an output of the model ('${out.name}')`);
  return { spaces, roles };
}
