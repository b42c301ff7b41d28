import { stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import type * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { MODEL_JSON, fileHandler } from './file_handler.js';

/**
 * Saves a Layers model to directory `dir` as model.json + weights.bin (the stock
 * tfjs format, loadable by tf.loadLayersModel with a file handler or by tfjs-node's
 * `file://`). The directory is created if needed; the write is atomic.
 */
export async function saveModel(model: tfl.LayersModel, dir: string): Promise<tf.io.SaveResult> {
  return model.save(fileHandler(dir));
}

/** Accepts a model directory or the path of its model.json. */
async function modelDir(path: string): Promise<string> {
  if (basename(path) === MODEL_JSON) return dirname(path);
  const info = await stat(path).catch(() => undefined);
  if (!info) throw new Error(`no model at ${path}: the directory does not exist; pass a directory made by saveModel or \`lite train -o\``);
  if (!info.isDirectory()) throw new Error(`${path} is not a model directory; pass the directory that holds model.json and weights.bin`);
  return path;
}

/** Loads a Layers model saved by {@link saveModel} (a directory, or its model.json path). */
export async function loadModel(path: string): Promise<tfl.LayersModel> {
  const dir = await modelDir(path);
  try {
    return await tfl.loadLayersModel(fileHandler(dir));
  } catch (err) {
    const message = (err as Error).message;
    // Our own errors already name the file; wrap tfjs's topology errors so they do.
    if (message.includes(dir)) throw err;
    throw new Error(`${dir}/${MODEL_JSON}: cannot build the model (${message}); the file is corrupt or not a Layers model`);
  }
}
