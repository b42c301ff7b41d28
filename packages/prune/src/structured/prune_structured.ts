/**
 * Structured pruning that physically removes conv filters / input channels and Dense
 * neurons: the result is a smaller tf.LayersModel (fewer parameters and MACs) that
 * saves, loads and runs in stock tfjs and converts to the lite runtime.
 */
import { checkDataset, type Dataset, type ProgressSink } from '@lite/core';
import * as tfl from '@tensorflow/tfjs-layers';
import { taylorScores } from '../importance/index.js';
import type { PrunableKernel } from '../layers.js';
import { accumulate, keepChannels, scoringSlices, type StructuredImportance } from './importance.js';
import { rebuildModel, type KeptChannels } from './rebuild.js';
import { compareModels, type StructuredGroupReport, type StructuredReport } from './report.js';
import { analyzeChannels, type ChannelSpaces, type LayerRole } from './topology.js';

/** What structured pruning removes. */
export type StructuredTarget = 'filter' | 'channel' | 'neuron';

export const STRUCTURED_TARGETS: readonly StructuredTarget[] = ['filter', 'channel', 'neuron'];
export const STRUCTURED_IMPORTANCE: readonly StructuredImportance[] = ['l1', 'l2', 'taylor'];

/** Options of {@link pruneStructured}. */
export interface StructuredOptions {
  /**
   * `'filter'`: Conv2D output channels, scored by their filters; `'channel'`: conv input
   * channels, scored by the consuming convs' kernel slices (the producing filter goes
   * too); `'neuron'`: Dense units, scored by their weights.
   */
  target: StructuredTarget;
  /** Fraction of each group's channels to remove, in [0, 1) (at least one channel always stays). */
  ratio: number;
  /** Default `'l1'`. `'taylor'` sums |∂L/∂w · w| over the channel's weights and needs `data`. */
  importance?: StructuredImportance;
  /** Samples for Taylor importance (a few batches of them are used). */
  data?: Dataset;
  /** Layers whose outputs are never pruned (by name). */
  exclude?: string[];
  /** Receives one task update per scored group. */
  progress?: ProgressSink;
}

function checkOptions(model: tfl.LayersModel, options: StructuredOptions): Required<Pick<StructuredOptions, 'importance' | 'exclude'>> {
  if (!(model instanceof tfl.LayersModel)) throw new TypeError('pruneStructured needs a tf.LayersModel (Sequential or functional); load one with tf.loadLayersModel or @lite/core loadModel');
  if (options === null || typeof options !== 'object') throw new TypeError("pruneStructured needs options, e.g. { target: 'filter', ratio: 0.5 }");
  if (!STRUCTURED_TARGETS.includes(options.target)) throw new RangeError(`structured target must be one of ${STRUCTURED_TARGETS.join(', ')}, not ${JSON.stringify(options.target)}`);
  if (typeof options.ratio !== 'number' || !(options.ratio >= 0 && options.ratio < 1)) throw new RangeError(`structured ratio must be a number in [0, 1) (the fraction of channels to remove, e.g. 0.5), not ${JSON.stringify(options.ratio)}`);
  const importance = options.importance ?? 'l1';
  if (!STRUCTURED_IMPORTANCE.includes(importance)) throw new RangeError(`structured importance must be one of ${STRUCTURED_IMPORTANCE.join(', ')}, not ${JSON.stringify(importance)}`);
  if (importance === 'taylor') {
    if (!options.data) throw new TypeError("Taylor importance needs data: pass options.data (training samples whose loss gradient is taken), or use importance 'l1'");
    checkDataset(options.data);
  }
  const exclude = options.exclude ?? [];
  const names = new Set(model.layers.map((l) => l.name));
  for (const name of exclude) if (!names.has(name)) throw new RangeError(`exclude names layer '${name}', which the model does not have; its layers: ${[...names].join(', ')}`);
  return { importance, exclude };
}

/** Why the group of `root` may not be pruned for `target`, or undefined when it may. */
function blocked(spaces: ChannelSpaces, roles: Map<string, LayerRole>, root: number, target: StructuredTarget, exclude: Set<string>): string | undefined {
  const frozen = spaces.frozen(root);
  if (frozen) return frozen;
  const producers = spaces.producers(root);
  const excluded = producers.find((p) => exclude.has(p));
  if (excluded) return `'${excluded}' is excluded`;
  const want = target === 'neuron' ? 'dense' : 'conv';
  const other = producers.find((p) => roles.get(p)!.kind !== want);
  if (other) return `it is also made by '${other}' (${roles.get(other)!.layer.getClassName()})`;
  return undefined;
}

/** Per-weight Taylor scores of the conv/dense kernels, by layer name. */
function taylorByLayer(model: tfl.LayersModel, roles: Map<string, LayerRole>, data: Dataset): Map<string, Float32Array> {
  const kernels: PrunableKernel[] = [];
  for (const role of roles.values()) {
    if (role.kind !== 'conv' && role.kind !== 'dense') continue;
    const variable = role.layer.weights[0] as unknown as PrunableKernel['variable'];
    const shape = [...variable.shape] as number[];
    kernels.push({ layer: role.layer.name, className: role.layer.getClassName(), variable, shape, size: shape.reduce((a, b) => a * b, 1) });
  }
  const scores = taylorScores(model, kernels, data);
  return new Map(kernels.map((k, i) => [k.layer, scores[i]]));
}

/**
 * Removes a fraction `ratio` of the least important filters, channels or neurons of
 * every prunable group and rebuilds the model smaller: following layers lose the
 * matching inputs (conv input channels, BatchNormalization parameters, depthwise
 * channels, Dense rows at every position after a Flatten, offsets into a Concatenate),
 * and channels joined by an Add (residual groups) are removed together from every
 * member, scored by their summed importance. Model outputs (the classifier) are never
 * pruned, nor are channels read by layers it cannot rewrite (listed in the report).
 * The original model is not modified; fine-tune the result with core's `train`.
 */
export async function pruneStructured(model: tfl.LayersModel, options: StructuredOptions): Promise<{ model: tfl.LayersModel; report: StructuredReport }> {
  const { importance, exclude } = checkOptions(model, options);
  const { spaces, roles } = analyzeChannels(model);
  const skip = new Set(exclude);
  const by = options.target === 'channel' ? 'consumer' : 'producer';
  const candidates = spaces.roots().filter((r) => {
    const kinds = spaces.producers(r).map((p) => roles.get(p)!.kind);
    if (kinds.length === 0) return false;
    if (options.target === 'neuron') return kinds.includes('dense');
    return options.target === 'filter' ? kinds.includes('conv') : scoringSlices(roles.values(), spaces, r, 'consumer').some((s) => roles.get(s.layer)!.kind === 'conv');
  });
  const taylor = importance === 'taylor' ? taylorByLayer(model, roles, options.data!) : undefined;
  const kept: KeptChannels = new Map();
  const groups: StructuredGroupReport[] = [];
  const skipped: StructuredReport['skipped'] = [];
  for (const [i, root] of candidates.entries()) {
    const producers = [...spaces.producers(root)];
    const why = blocked(spaces, roles, root, options.target, skip);
    if (why) {
      skipped.push({ producers, reason: why });
      continue;
    }
    const size = spaces.size(root);
    const remove = Math.min(Math.floor(options.ratio * size), size - 1);
    const sums = new Float64Array(size);
    for (const { layer, axes } of scoringSlices(roles.values(), spaces, root, by)) {
      const kernel = roles.get(layer)!.layer.weights[0];
      const values = taylor?.get(layer) ?? (kernel.read().dataSync() as Float32Array);
      accumulate(sums, values, kernel.shape as number[], axes, importance === 'l2');
    }
    if (remove > 0) kept.set(root, keepChannels(sums, remove));
    groups.push({ producers, channels: size, removed: remove });
    options.progress?.task?.({ label: 'structured pruning', done: i + 1, total: candidates.length, detail: producers.join('+') });
  }
  const pruned = await rebuildModel(model, roles, spaces, kept);
  return { model: pruned, report: { target: options.target, ratio: options.ratio, importance, groups, skipped, ...compareModels(model, pruned) } };
}
