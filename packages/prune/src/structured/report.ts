/** What structured pruning removed: parameters and MACs per layer and in total, and the channel groups. */
import { layerMacs } from '@lite/core';
import type * as tfl from '@tensorflow/tfjs-layers';

/** One layer before and after. */
export interface StructuredLayerReport {
  name: string;
  className: string;
  paramsBefore: number;
  paramsAfter: number;
  /** Multiply-accumulates per sample. */
  macsBefore: number;
  macsAfter: number;
}

/** One channel group (a layer's filters/units, or a residual group's shared channels). */
export interface StructuredGroupReport {
  /** The layers whose outputs are these channels. */
  producers: string[];
  channels: number;
  removed: number;
}

/** What {@link pruneStructured} did. */
export interface StructuredReport {
  target: 'filter' | 'channel' | 'neuron';
  ratio: number;
  importance: 'l1' | 'l2' | 'taylor';
  /** Layers with parameters or MACs. */
  layers: StructuredLayerReport[];
  /** Groups that were pruned. */
  groups: StructuredGroupReport[];
  /** Groups of the target kind left whole, and why. */
  skipped: { producers: string[]; reason: string }[];
  params: { before: number; after: number; ratio: number };
  macs: { before: number; after: number; ratio: number };
}

/** Parameters and MACs of every layer that has either. */
function costs(model: tfl.LayersModel): Map<string, { className: string; params: number; macs: number }> {
  const out = new Map<string, { className: string; params: number; macs: number }>();
  for (const layer of model.layers) {
    const params = layer.countParams();
    const macs = layerMacs(layer);
    if (params > 0 || macs > 0) out.set(layer.name, { className: layer.getClassName(), params, macs });
  }
  return out;
}

/** Compares the models layer by layer. */
export function compareModels(before: tfl.LayersModel, after: tfl.LayersModel): Pick<StructuredReport, 'layers' | 'params' | 'macs'> {
  const b = costs(before);
  const a = costs(after);
  const layers = [...b].map(([name, x]): StructuredLayerReport => ({
    name,
    className: x.className,
    paramsBefore: x.params,
    paramsAfter: a.get(name)?.params ?? 0,
    macsBefore: x.macs,
    macsAfter: a.get(name)?.macs ?? 0,
  }));
  const total = (k: 'params' | 'macs', m: Map<string, { params: number; macs: number }>) => [...m.values()].reduce((s, x) => s + x[k], 0);
  const ratio = (x: number, y: number) => (y === 0 ? 1 : x / y);
  const pb = total('params', b);
  const pa = total('params', a);
  const mb = total('macs', b);
  const ma = total('macs', a);
  return { layers, params: { before: pb, after: pa, ratio: ratio(pa, pb) }, macs: { before: mb, after: ma, ratio: ratio(ma, mb) } };
}

const count = (n: number) => n.toLocaleString('en-US');

/** The report as an aligned table for people (layers, then totals). */
export function formatStructuredReport(r: StructuredReport): string {
  const rows = r.layers.map((l) => [l.name, l.className, `${count(l.paramsBefore)} → ${count(l.paramsAfter)}`, `${count(l.macsBefore)} → ${count(l.macsAfter)}`]);
  const head = ['layer', 'class', 'params', 'MACs'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return [
    `structured pruning: ${r.target}s, ratio ${r.ratio}, importance ${r.importance}`,
    line(head),
    ...rows.map(line),
    `params ${count(r.params.before)} → ${count(r.params.after)} (${r.params.ratio.toFixed(3)}×); MACs ${count(r.macs.before)} → ${count(r.macs.after)} (${r.macs.ratio.toFixed(3)}×)`,
    ...r.groups.map((g) => `  ${g.producers.join(' + ')}: ${g.removed} of ${g.channels} removed`),
    ...r.skipped.map((s) => `  ${s.producers.join(' + ')}: kept whole (${s.reason})`),
  ].join('\n');
}
