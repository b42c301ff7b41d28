import {
  decodeTensor,
  loadGraphModel,
  manifestEntryBytes,
  summarizeGraph,
  summarizeGraphModel,
  summarizeTfjsModel,
  tensorByteSize,
  type LiteGraph,
  type LiteLayout,
  type Provenance,
  type TfjsModelFiles,
  type TfjsModelSummary,
} from '@lite/core';
import { type CommandSpec, parseArgs } from '../args.js';
import { setupBackend } from '../backend.js';
import { formatBytes, formatCount } from '../format.js';
import { type Io, printJson } from '../io.js';
import { openModel } from '../model_source.js';

/** `lite inspect`: what a model is made of. */
export const inspectSpec = {
  name: 'inspect',
  summary:
    'Show what a model is made of. Layers (name, op, output shape), parameters, bytes per tensor and encoding, MACs, ' +
    'file size and provenance, for .lite files and tfjs model directories (Layers and graph models).',
  positionals: [{ name: 'model', description: '.lite file, tfjs model directory, or its model.json', required: true }],
  flags: {
    json: { type: 'boolean', description: 'print exactly one JSON object on stdout' },
  },
  notes:
    'JSON: {path, container, format, fileBytes, params, bytes, bytesByEncoding, macs, sparsity, inputs, outputs, layers, provenance[, lite]}\n' +
    '  layers[]: {name, op, inputs, outputShape, params, bytes, macs[, sparsity], tensors: [{name, shape, encoding, params, bytes[, storedBytes]}]}\n' +
    '  bytes: weight payloads in their encoding; storedBytes (.lite): on disk after Huffman coding; macs: per sample (null if unknown)\n' +
    '  sparsity: fraction of exact zeros in the kernels (conv/dense kernels of lite graphs; weights of rank ≥ 2 otherwise), overall and per layer that has one',
} satisfies CommandSpec;

/** One weight as `lite inspect` reports it. */
interface TensorInfo {
  name: string;
  shape: number[];
  encoding: string;
  params: number;
  bytes: number;
  /** .lite only: bytes of its sections in the file (after Huffman coding). */
  storedBytes?: number;
}

/** What `lite inspect --json` prints. */
export interface Inspection {
  path: string;
  /** What holds the model: a .lite file or a tfjs model directory. */
  container: 'lite' | 'tfjs';
  /** What the model is: a lite runtime graph (from a Layers model), a tfjs graph model, or a tfjs Layers model. */
  format: 'lite-graph' | 'graph-model' | 'layers-model';
  /** Bytes on disk (the .lite file; model.json plus weight shards). */
  fileBytes: number;
  params: number;
  bytes: number;
  bytesByEncoding: Record<string, number>;
  macs: number | null;
  /** Fraction of exact zeros over all kernels (0..1; 0 when there are none). */
  sparsity: number;
  inputs: { name: string; shape: (number | null)[] | null; dtype?: string }[];
  outputs: { name: string; shape: (number | null)[] | null; dtype?: string }[];
  layers: {
    name: string;
    op: string;
    inputs: string[];
    outputShape: (number | null)[] | null;
    activation?: string;
    params: number;
    bytes: number;
    macs: number | null;
    /** Layers with a kernel: the fraction of exact zeros in it. */
    sparsity?: number;
    tensors: TensorInfo[];
  }[];
  provenance: Provenance[];
  /** .lite files: the container's layout. */
  lite?: { version: number; headerBytes: number; sections: number; huffmanSections: number; sectionBytes: number; decodedSectionBytes: number };
}

/** Bit 0 of a section's flags: its bytes are Huffman-coded (the .lite layout). */
const SECTION_HUFFMAN_FLAG = 1;

/** Bytes each tensor's sections take in the file. */
function storedBytesByTensor(layout: LiteLayout): Map<string, number> {
  return new Map(layout.header.tensors.map((t) => [t.name, t.sections.reduce((s, k) => s + layout.sections[k].storedLength, 0)]));
}

type SummaryPart = Pick<Inspection, 'params' | 'bytes' | 'bytesByEncoding' | 'macs' | 'sparsity' | 'inputs' | 'outputs' | 'layers' | 'provenance'>;

/**
 * Adds sparsity to a tfjs summary's layers: the fraction of exact zeros over each
 * layer's weights of rank ≥ 2 (its kernels), `valuesOf` giving a weight's values.
 */
function withSparsity(s: TfjsModelSummary, valuesOf: (name: string) => ArrayLike<number> | undefined): SummaryPart {
  let zeros = 0;
  let total = 0;
  const layers = s.layers.map((l) => {
    let z = 0;
    let n = 0;
    for (const t of l.tensors) {
      const v = t.shape.length >= 2 ? valuesOf(t.name) : undefined;
      if (!v) continue;
      for (let i = 0; i < v.length; i++) if (v[i] === 0) z++;
      n += v.length;
    }
    zeros += z;
    total += n;
    return n > 0 ? { ...l, sparsity: z / n } : l;
  });
  return { params: s.params, bytes: s.bytes, bytesByEncoding: s.bytesByEncoding, macs: s.macs, sparsity: total === 0 ? 0 : zeros / total, inputs: s.inputs, outputs: s.outputs, layers, provenance: s.provenance };
}

/** Weight values of a tfjs model directory by manifest name (unquantized float32 weights only). */
function manifestValues(files: TfjsModelFiles): (name: string) => ArrayLike<number> | undefined {
  const where = new Map<string, { offset: number; bytes: number }>();
  let offset = 0;
  for (const w of files.weightSpecs) {
    const bytes = manifestEntryBytes(w);
    if (bytes === undefined) break; // string weights: later offsets are unknown
    if (w.dtype === 'float32' && !w.quantization) where.set(w.name, { offset, bytes });
    offset += bytes;
  }
  return (name) => {
    const at = where.get(name);
    return at && at.offset + at.bytes <= files.weightData.byteLength ? new Float32Array(files.weightData.slice(at.offset, at.offset + at.bytes)) : undefined;
  };
}

async function inspectLiteGraph(graph: LiteGraph, layout: LiteLayout): Promise<Omit<Inspection, 'path' | 'container' | 'fileBytes' | 'lite'>> {
  const stored = storedBytesByTensor(layout);
  const withStored = <T extends { name: string }>(t: T): T & { storedBytes: number } => ({ ...t, storedBytes: stored.get(t.name) ?? 0 });
  if (graph.graphModel) {
    const tensors = [...graph.tensors.values()].map((t) => ({
      name: t.name,
      shape: [...t.shape],
      encoding: t.encoding,
      params: t.shape.reduce((p, d) => p * d, 1),
      bytes: tensorByteSize(t),
    }));
    const model = await loadGraphModel(graph);
    try {
      const s = await summarizeGraphModel(model, graph.graphModel.modelJson.modelTopology, tensors, graph.provenance);
      const base = withSparsity(s, (name) => {
        const t = graph.tensors.get(name);
        return t ? decodeTensor(t) : undefined;
      });
      return { ...base, format: 'graph-model', layers: base.layers.map((l) => ({ ...l, tensors: l.tensors.map(withStored) })) };
    } finally {
      model.dispose();
    }
  }
  const s = summarizeGraph(graph, tensorByteSize);
  return {
    format: 'lite-graph',
    params: s.params,
    bytes: s.bytes,
    bytesByEncoding: s.bytesByEncoding,
    macs: s.macs,
    sparsity: s.sparsity,
    inputs: s.inputs,
    outputs: s.outputs,
    layers: s.layers.map((l) => ({ ...l, tensors: l.tensors.map(withStored) })),
    provenance: s.provenance,
  };
}

/** Inspects a .lite file or a tfjs model directory. */
export async function inspectModel(path: string): Promise<Inspection> {
  const source = await openModel(path);
  if (source.kind === 'lite') {
    const { layout, graph } = source;
    const rest = await inspectLiteGraph(graph, layout);
    return {
      path,
      container: 'lite',
      fileBytes: layout.fileBytes,
      ...rest,
      lite: {
        version: layout.version,
        headerBytes: layout.headerBytes,
        sections: layout.sections.length,
        huffmanSections: layout.sections.filter((s) => s.flags & SECTION_HUFFMAN_FLAG).length,
        sectionBytes: layout.sections.reduce((s, x) => s + x.storedLength, 0),
        decodedSectionBytes: layout.sections.reduce((s, x) => s + x.rawLength, 0),
      },
    };
  }
  const s = await summarizeTfjsModel(source.files);
  return { path, container: 'tfjs', format: source.files.format, fileBytes: source.files.fileBytes, ...withSparsity(s, manifestValues(source.files)) };
}

const percent = (f: number): string => `${(100 * f).toFixed(1)}%`;

const shapeText = (shape: (number | null)[] | null): string => (shape ? `[${shape.map((d) => (d === null || d < 0 ? '?' : d)).join(', ')}]` : '?');

/** Prints an inspection as aligned lines for people. */
export function printInspection(io: Io, r: Inspection): void {
  const kind = r.container === 'lite' ? `.lite v${r.lite!.version}, ${r.format === 'graph-model' ? 'tfjs graph model' : 'lite runtime graph'}` : `tfjs ${r.format}`;
  const out = (k: string, v: string) => io.out.write(`${k.padEnd(11)}${v}\n`);
  out('model', `${r.path} (${kind})`);
  if (r.lite) {
    const l = r.lite;
    out('file', `${formatBytes(r.fileBytes)} (header ${formatBytes(l.headerBytes)}; ${l.sections} sections, ${l.huffmanSections} Huffman-coded: ${formatBytes(l.decodedSectionBytes)} → ${formatBytes(l.sectionBytes)})`);
  } else out('files', formatBytes(r.fileBytes));
  const encodings = Object.entries(r.bytesByEncoding).map(([e, b]) => `${e} ${formatBytes(b)}`).join(', ');
  out('params', `${r.params.toLocaleString('en-US')}; weights ${formatBytes(r.bytes)}${encodings ? ` (${encodings})` : ''}`);
  out('MACs', r.macs === null ? 'unknown (shapes could not be determined)' : `${formatCount(r.macs)} per sample`);
  out('sparsity', `${percent(r.sparsity)} of kernel weights are zero`);
  out('inputs', r.inputs.map((i) => `${i.name} ${shapeText(i.shape)}`).join(', '));
  out('outputs', r.outputs.map((o) => `${o.name} ${shapeText(o.shape)}`).join(', '));
  io.out.write('\n');
  const rows = r.layers.map((l) => [
    l.name,
    l.activation && l.activation !== 'linear' ? `${l.op}+${l.activation}` : l.op,
    shapeText(l.outputShape),
    l.params > 0 ? l.params.toLocaleString('en-US') : '',
    l.bytes > 0 ? formatBytes(l.bytes) : '',
    [...new Set(l.tensors.map((t) => t.encoding))].join('+'),
    l.macs === null ? '?' : l.macs > 0 ? formatCount(l.macs) : '',
    l.sparsity === undefined ? '' : percent(l.sparsity),
  ]);
  const head = ['layer', 'op', 'output shape', 'params', 'bytes', 'encoding', 'MACs', 'sparsity'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const right = new Set([3, 4, 6, 7]);
  const line = (cells: string[]) => `${cells.map((c, i) => (right.has(i) ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd()}\n`;
  io.out.write(line(head));
  for (const row of rows) io.out.write(line(row));
  if (r.provenance.length > 0) {
    io.out.write('\nprovenance\n');
    for (const p of r.provenance) io.out.write(`  ${p.at}  ${p.step}  ${JSON.stringify(p.options)}  (lite ${p.version})\n`);
  }
}

/** Runs `lite inspect`. */
export async function runInspect(argv: string[], io: Io): Promise<number> {
  const { flags, positionals } = parseArgs(inspectSpec, argv);
  await setupBackend(io);
  const r = await inspectModel(positionals[0]);
  if (flags.json) printJson(io, r);
  else printInspection(io, r);
  return 0;
}
