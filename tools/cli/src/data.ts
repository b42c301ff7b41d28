import { stat } from 'node:fs/promises';
import { type DataSplit, type Dataset, createRng, loadIdx, loadMnist, permutation, selectSamples } from '@lite/core';
import { UsageError } from './args.js';

/** The `--data` flag shared by the commands that read data. */
export const dataFlag = {
  type: 'string',
  value: 'mnist|dir',
  default: 'mnist',
  description: "'mnist' (the bundled 10,000 digits) or a folder of the four MNIST IDX files (gzipped or not)",
} as const;

/** The `--limit` flag: use a seeded random subset (quick runs). */
export const limitFlag = { type: 'int', min: 1, value: 'N', description: 'use only N samples of each split, picked at random (quick runs)' } as const;

/** Loads the data `--data` names. */
export async function loadData(source: string, command: string): Promise<DataSplit> {
  if (source === 'mnist') return loadMnist();
  const info = await stat(source).catch(() => undefined);
  if (!info?.isDirectory()) throw new UsageError(`--data '${source}' is neither 'mnist' nor a directory of IDX files`, command);
  return loadIdx(source);
}

/** A seeded random subset of `limit` samples (all of them when limit is undefined or larger). */
export function limitSamples(data: Dataset, limit: number | undefined, seed: number): Dataset {
  if (limit === undefined || limit >= data.count) return data;
  return selectSamples(data, permutation(data.count, createRng(seed)).subarray(0, limit));
}
