/** Reading a TensorFlow.js model (model.json + weight shards, Layers or graph) from disk. */
import { readFile, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, dirname } from 'node:path';
import type * as tf from '@tensorflow/tfjs-core';

/** The two model.json formats tfjs writes. */
export type TfjsModelFormat = 'layers-model' | 'graph-model';

/** A tfjs model as stored: its model.json, its weight specs and the bytes of its shards. */
export interface TfjsModelFiles {
  /** Path of the model.json that was read. */
  jsonPath: string;
  format: TfjsModelFormat;
  /** The parsed model.json, as it is in the file. */
  modelJson: tf.io.ModelJSON;
  /** Every weight of the manifest, in manifest order. */
  weightSpecs: tf.io.WeightsManifestEntry[];
  /** The shards concatenated in manifest order (the layout `weightSpecs` describes). */
  weightData: ArrayBuffer;
  /** Bytes on disk: model.json plus every shard. */
  fileBytes: number;
}

/** Bytes per element as stored (quantized weights use their storage dtype); undefined for strings. */
const STORED_BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2, complex64: 8 };

/** Stored dtype of a manifest entry: its quantization dtype if quantized, else its dtype. */
export function manifestEntryDtype(spec: tf.io.WeightsManifestEntry): string {
  return spec.quantization?.dtype ?? spec.dtype;
}

/** Bytes a manifest entry takes in its shard, or undefined when that depends on the data (strings). */
export function manifestEntryBytes(spec: tf.io.WeightsManifestEntry): number | undefined {
  const per = STORED_BYTES[manifestEntryDtype(spec)];
  return per === undefined ? undefined : spec.shape.reduce((p, d) => p * d, 1) * per;
}

/** The model.json of `path`: a directory holding model.json, or the JSON file itself. */
async function resolveJson(path: string): Promise<string> {
  const info = await stat(path).catch(() => undefined);
  if (!info) throw new Error(`no model at ${path}: no such file or directory; pass a tfjs model directory (model.json + weight files) or its model.json`);
  if (!info.isDirectory()) return path;
  const json = join(path, 'model.json');
  if (!(await stat(json).catch(() => undefined))?.isFile()) throw new Error(`no model at ${path}: the directory has no model.json; pass a tfjs model directory or the model's .json file`);
  return json;
}

/** Which format a model.json is in: its `format` field, or its topology's shape when the field is absent (older files). */
function detectFormat(json: Record<string, unknown>, path: string): TfjsModelFormat {
  const format = json.format;
  if (format === 'layers-model' || format === 'graph-model') return format;
  if (format !== undefined) throw new Error(`${path}: unknown model format ${JSON.stringify(format)}; lite reads tfjs "layers-model" and "graph-model" files`);
  const topology = json.modelTopology as Record<string, unknown>;
  if (Array.isArray(topology.node)) return 'graph-model';
  if ('class_name' in topology || 'model_config' in topology) return 'layers-model';
  throw new Error(`${path}: cannot tell whether this is a Layers or a graph model (no "format" field, and the topology has neither "node" nor "class_name")`);
}

/**
 * Reads a tfjs model from disk: `path` is a model directory or its model.json.
 * Checks the JSON, resolves every shard inside the model's directory (refusing
 * paths that climb out of it), and checks the shards hold exactly the bytes the
 * manifest describes. Errors name the file and say what to do.
 */
export async function readTfjsModel(path: string): Promise<TfjsModelFiles> {
  const jsonPath = await resolveJson(path);
  const dir = dirname(jsonPath);
  const raw = await readFile(jsonPath);
  const text = raw.toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new Error(`${jsonPath} is not valid JSON (${(err as Error).message}); pass a tfjs model.json`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error(`${jsonPath} is not a tfjs model.json (expected a JSON object)`);
  const json = parsed as Record<string, unknown>;
  if (json.modelTopology === null || typeof json.modelTopology !== 'object' || Array.isArray(json.modelTopology)) {
    throw new Error(`${jsonPath} has no modelTopology object; it is not a tfjs model.json`);
  }
  const format = detectFormat(json, jsonPath);
  const manifest = json.weightsManifest ?? [];
  if (!Array.isArray(manifest)) throw new Error(`${jsonPath}: weightsManifest must be an array`);
  const specs: tf.io.WeightsManifestEntry[] = [];
  const parts: Uint8Array[] = [];
  for (const [g, group] of (manifest as unknown[]).entries()) {
    const { paths, weights } = (group ?? {}) as { paths?: unknown; weights?: unknown };
    if (!Array.isArray(paths) || !Array.isArray(weights)) throw new Error(`${jsonPath}: weightsManifest[${g}] needs "paths" and "weights" arrays`);
    for (const [i, w] of weights.entries()) {
      const spec = w as tf.io.WeightsManifestEntry;
      const ok = spec !== null && typeof spec === 'object' && typeof spec.name === 'string' && typeof spec.dtype === 'string'
        && Array.isArray(spec.shape) && spec.shape.every((d) => Number.isSafeInteger(d) && d >= 0);
      if (!ok) throw new Error(`${jsonPath}: weightsManifest[${g}].weights[${i}] needs a name, a dtype and a shape of non-negative integers`);
      specs.push(spec);
    }
    for (const p of paths) {
      if (typeof p !== 'string') throw new Error(`${jsonPath}: weightsManifest[${g}].paths must hold file names`);
      const full = resolve(dir, p);
      const rel = relative(resolve(dir), full);
      if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) throw new Error(`${jsonPath}: weights path '${p}' points outside the model directory`);
      try {
        parts.push(await readFile(full));
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        throw new Error(code === 'ENOENT' ? `${jsonPath}: weights file ${full} is missing; copy it next to model.json` : `cannot read weights file ${full}: ${(err as Error).message}`);
      }
    }
  }
  const total = parts.reduce((s, b) => s + b.length, 0);
  const sizes = specs.map(manifestEntryBytes);
  if (sizes.every((s) => s !== undefined)) {
    const expected = sizes.reduce<number>((s, b) => s + (b as number), 0);
    if (total !== expected) throw new Error(`${jsonPath}: the weight files hold ${total} bytes but the manifest describes ${expected}; they are truncated or do not belong to this model.json`);
  }
  const data = new Uint8Array(total);
  let at = 0;
  for (const part of parts) {
    data.set(part, at);
    at += part.length;
  }
  return {
    jsonPath,
    format,
    modelJson: json as unknown as tf.io.ModelJSON,
    weightSpecs: specs,
    weightData: data.buffer,
    fileBytes: raw.length + total,
  };
}
