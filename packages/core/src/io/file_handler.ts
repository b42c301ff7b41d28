import { readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, isAbsolute } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { writeFilesAtomic } from './atomic.js';

/** File name of the topology and weights manifest, as tfjs writes it. */
export const MODEL_JSON = 'model.json';
/** File name of the concatenated weights, as tfjs-node writes it. */
export const WEIGHTS_BIN = 'weights.bin';

/** Bytes per stored element of a weight spec (quantised weights use their storage dtype). */
function specBytes(spec: tf.io.WeightsManifestEntry): number | undefined {
  const n = spec.shape.reduce((p, d) => p * d, 1);
  const dtype = spec.quantization?.dtype ?? spec.dtype;
  const size: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2, complex64: 8 };
  return size[dtype] === undefined ? undefined : n * size[dtype];
}

/** Reads a file, turning "not found" into an error that says what to do. */
async function readOrExplain(path: string, what: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new Error(`${what} not found: ${path}; save a model there first (saveModel, or \`lite train -o <dir>\`)`);
    throw new Error(`cannot read ${what} ${path}: ${(err as Error).message}`);
  }
}

/** Parses and checks model.json enough to load it safely. */
function parseModelJson(text: string, path: string): tf.io.ModelJSON {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new Error(`${path} is not valid JSON (${(err as Error).message}); the file is corrupt, save the model again`);
  }
  const model = json as Partial<tf.io.ModelJSON>;
  if (typeof model !== 'object' || model === null || typeof model.modelTopology !== 'object' || model.modelTopology === null) {
    throw new Error(`${path} has no modelTopology; it is not a tfjs Layers model.json`);
  }
  if (!Array.isArray(model.weightsManifest)) throw new Error(`${path} has no weightsManifest array; it is not a tfjs Layers model.json`);
  for (const group of model.weightsManifest) {
    if (!Array.isArray(group?.paths) || !Array.isArray(group?.weights)) throw new Error(`${path}: every weightsManifest entry needs paths and weights arrays`);
  }
  return model as tf.io.ModelJSON;
}

/** Resolves a manifest path inside `dir`, refusing paths that climb out of it. */
function weightsPath(dir: string, path: string, jsonPath: string): string {
  const full = resolve(dir, path);
  const rel = relative(resolve(dir), full);
  if (rel.startsWith('..') || isAbsolute(rel)) throw new Error(`${jsonPath}: weights path '${path}' points outside the model directory`);
  return full;
}

/**
 * A tf.io handler that saves and loads a tfjs Layers model as a directory holding
 * model.json and weights.bin — the stock format tfjs-node writes — using only
 * node:fs (no tfjs-node). Use it with `model.save(fileHandler(dir))` and
 * `tf.loadLayersModel(fileHandler(dir))`. Saving is atomic (see writeFilesAtomic);
 * loading checks that the weight files hold exactly the bytes model.json describes.
 */
export function fileHandler(dir: string): tf.io.IOHandler {
  return {
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      if (artifacts.modelTopology instanceof ArrayBuffer) throw new Error('fileHandler saves Layers models (JSON topology), not binary graphs');
      const weights = new Uint8Array(tf.io.CompositeArrayBuffer.join(artifacts.weightData ?? new ArrayBuffer(0)));
      const modelJson: tf.io.ModelJSON = {
        modelTopology: artifacts.modelTopology as object,
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy,
        weightsManifest: [{ paths: [WEIGHTS_BIN], weights: artifacts.weightSpecs ?? [] }],
      };
      if (artifacts.trainingConfig) modelJson.trainingConfig = artifacts.trainingConfig;
      if (artifacts.userDefinedMetadata) modelJson.userDefinedMetadata = artifacts.userDefinedMetadata;
      const text = new TextEncoder().encode(JSON.stringify(modelJson));
      // Weights first, model.json last: readers start from model.json.
      await writeFilesAtomic(dir, [[WEIGHTS_BIN, weights], [MODEL_JSON, text]]);
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON({ ...artifacts, weightData: weights.buffer as ArrayBuffer }) };
    },

    async load(): Promise<tf.io.ModelArtifacts> {
      const jsonPath = join(dir, MODEL_JSON);
      const modelJson = parseModelJson((await readOrExplain(jsonPath, 'model file')).toString('utf8'), jsonPath);
      return tf.io.getModelArtifactsForJSON(modelJson, async (manifest) => {
        const specs = manifest.flatMap((group) => group.weights);
        const parts: Uint8Array[] = [];
        for (const group of manifest) {
          for (const p of group.paths) parts.push(await readOrExplain(weightsPath(dir, p, jsonPath), 'weights file'));
        }
        const total = parts.reduce((s, b) => s + b.length, 0);
        const sizes = specs.map(specBytes);
        if (sizes.every((s) => s !== undefined)) {
          const expected = sizes.reduce<number>((s, b) => s + (b as number), 0);
          if (total !== expected) {
            throw new Error(`${dirname(jsonPath)}: weight files hold ${total} bytes but model.json describes ${expected}; the files are truncated or do not belong together — save the model again`);
          }
        }
        const data = new Uint8Array(total);
        let at = 0;
        for (const part of parts) {
          data.set(part, at);
          at += part.length;
        }
        return [specs, data.buffer];
      });
    },
  };
}
