import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { type DataSplit, type Dataset, IMAGE_PIXELS, IMAGE_SIDE, NUM_CLASSES } from './dataset.js';
import { MNIST_MEAN, MNIST_STD, normalizeMnist } from './normalize.js';

/** IDX magic of an unsigned-byte tensor with 3 dimensions (images). */
const IMAGES_MAGIC = 0x00000803;
/** IDX magic of an unsigned-byte tensor with 1 dimension (labels). */
const LABELS_MAGIC = 0x00000801;

/** The four standard MNIST file names (each may also end in `.gz`). */
export const IDX_FILES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const;

/** Raw IDX images: `count` images of rows×cols unsigned bytes. */
export interface IdxImages {
  pixels: Uint8Array;
  count: number;
  rows: number;
  cols: number;
}

/** Decompresses gzip data (detected by its 1f 8b header), else returns the bytes as they are. */
function maybeGunzip(bytes: Uint8Array, name: string): Uint8Array {
  if (bytes.length < 2 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
  try {
    const out = gunzipSync(bytes);
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  } catch (err) {
    throw new Error(`${name}: corrupt gzip data (${(err as Error).message}); download the file again`);
  }
}

function readHeader(bytes: Uint8Array, name: string, magic: number, dims: number): number[] {
  const headerBytes = 4 + 4 * dims;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // Magic first: a wrong file type is a more useful message than a short header.
  const found = bytes.length >= 4 ? view.getUint32(0) : -1;
  if (found !== magic) {
    const shown = found < 0 ? 'missing' : `0x${found.toString(16).padStart(8, '0')}`;
    throw new Error(`${name}: bad IDX magic ${shown}, expected 0x${magic.toString(16).padStart(8, '0')} — is this the right file?`);
  }
  if (bytes.length < headerBytes) throw new Error(`${name}: file is ${bytes.length} bytes, too short for an IDX header (${headerBytes} bytes)`);
  return Array.from({ length: dims }, (_, i) => view.getUint32(4 + 4 * i));
}

/** Parses an IDX3 unsigned-byte image file (gzipped or not). */
export function parseIdxImages(data: Uint8Array, name = 'images'): IdxImages {
  const bytes = maybeGunzip(data, name);
  const [count, rows, cols] = readHeader(bytes, name, IMAGES_MAGIC, 3);
  const expected = 16 + count * rows * cols;
  if (bytes.length !== expected) {
    throw new Error(`${name}: header says ${count} images of ${rows}×${cols} (${expected} bytes), but the file has ${bytes.length} bytes — truncated or corrupt`);
  }
  return { pixels: bytes.subarray(16), count, rows, cols };
}

/** Parses an IDX1 unsigned-byte label file (gzipped or not); every label must be 0–9. */
export function parseIdxLabels(data: Uint8Array, name = 'labels'): Uint8Array {
  const bytes = maybeGunzip(data, name);
  const [count] = readHeader(bytes, name, LABELS_MAGIC, 1);
  if (bytes.length !== 8 + count) {
    throw new Error(`${name}: header says ${count} labels (${8 + count} bytes), but the file has ${bytes.length} bytes — truncated or corrupt`);
  }
  const labels = bytes.subarray(8);
  const bad = labels.findIndex((l) => l >= NUM_CLASSES);
  if (bad >= 0) throw new Error(`${name}: label ${labels[bad]} at index ${bad} is not a digit 0–9`);
  return labels;
}

/** Encodes images as an IDX3 unsigned-byte file. */
export function encodeIdxImages(pixels: Uint8Array, count: number, rows = IMAGE_SIDE, cols = IMAGE_SIDE): Uint8Array {
  if (pixels.length !== count * rows * cols) throw new RangeError(`expected ${count}·${rows}·${cols} pixels, got ${pixels.length}`);
  const out = new Uint8Array(16 + pixels.length);
  const view = new DataView(out.buffer);
  [IMAGES_MAGIC, count, rows, cols].forEach((v, i) => view.setUint32(4 * i, v));
  out.set(pixels, 16);
  return out;
}

/** Encodes labels as an IDX1 unsigned-byte file. */
export function encodeIdxLabels(labels: Uint8Array): Uint8Array {
  const out = new Uint8Array(8 + labels.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, LABELS_MAGIC);
  view.setUint32(4, labels.length);
  out.set(labels, 8);
  return out;
}

/** Reads `<dir>/<base>` or `<dir>/<base>.gz`, whichever exists. */
async function readEither(dir: string, base: string): Promise<{ bytes: Uint8Array; name: string }> {
  for (const name of [base, `${base}.gz`]) {
    const path = join(dir, name);
    if (existsSync(path)) return { bytes: new Uint8Array(await readFile(path)), name: path };
  }
  throw new Error(`${dir}: missing ${base} (or ${base}.gz); an IDX data folder needs ${Object.values(IDX_FILES).join(', ')}`);
}

async function readPair(dir: string, imagesBase: string, labelsBase: string, normalize: boolean): Promise<Dataset> {
  const [img, lab] = await Promise.all([readEither(dir, imagesBase), readEither(dir, labelsBase)]);
  const images = parseIdxImages(img.bytes, img.name);
  const labels = parseIdxLabels(lab.bytes, lab.name);
  if (images.rows !== IMAGE_SIDE || images.cols !== IMAGE_SIDE) {
    throw new Error(`${img.name}: images are ${images.rows}×${images.cols}; lite's MNIST models need 28×28`);
  }
  if (images.count !== labels.length) throw new Error(`${img.name} has ${images.count} images but ${lab.name} has ${labels.length} labels`);
  const pixels = new Float32Array(images.pixels.length);
  for (let i = 0; i < pixels.length; i++) pixels[i] = images.pixels[i] / 255;
  if (normalize) normalizeMnist(pixels);
  return { images: pixels, labels: Uint8Array.from(labels), count: images.count };
}

/** Options for {@link loadIdx}. */
export interface LoadIdxOptions {
  /** Apply (x − 0.1307)/0.3081 (default true); pixels stay in [0, 1] otherwise. */
  normalize?: boolean;
}

/**
 * Loads the four standard MNIST-format IDX files from `dir` (each gzipped or not):
 * train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte,
 * t10k-labels-idx1-ubyte. Throws a clear error on a missing file, bad magic, a size
 * that disagrees with the header, mismatched counts, or a label above 9.
 */
export async function loadIdx(dir: string, options: LoadIdxOptions = {}): Promise<DataSplit> {
  const normalize = options.normalize !== false;
  const [train, test] = await Promise.all([
    readPair(dir, IDX_FILES.trainImages, IDX_FILES.trainLabels, normalize),
    readPair(dir, IDX_FILES.testImages, IDX_FILES.testLabels, normalize),
  ]);
  return { train, test };
}

/** Options for {@link writeIdx}. */
export interface WriteIdxOptions {
  /** Write `.gz` files (default false). */
  gzip?: boolean;
  /** The datasets hold normalised pixels to undo (default true, as loaders return them). */
  normalized?: boolean;
}

/** Converts dataset pixels back to bytes 0–255. */
function toBytes(data: Dataset, normalized: boolean): Uint8Array {
  const out = new Uint8Array(data.count * IMAGE_PIXELS);
  for (let i = 0; i < out.length; i++) {
    const x = normalized ? data.images[i] * MNIST_STD + MNIST_MEAN : data.images[i];
    out[i] = Math.max(0, Math.min(255, Math.round(x * 255)));
  }
  return out;
}

/**
 * Writes a train/test split as the four standard IDX files in `dir` (created if
 * needed), each through a temporary file renamed into place.
 */
export async function writeIdx(dir: string, split: DataSplit, options: WriteIdxOptions = {}): Promise<void> {
  await mkdir(dir, { recursive: true });
  const normalized = options.normalized !== false;
  const files: [string, Uint8Array][] = [
    [IDX_FILES.trainImages, encodeIdxImages(toBytes(split.train, normalized), split.train.count)],
    [IDX_FILES.trainLabels, encodeIdxLabels(split.train.labels)],
    [IDX_FILES.testImages, encodeIdxImages(toBytes(split.test, normalized), split.test.count)],
    [IDX_FILES.testLabels, encodeIdxLabels(split.test.labels)],
  ];
  for (const [base, bytes] of files) {
    const name = options.gzip ? `${base}.gz` : base;
    const tmp = join(dir, `.${name}.${process.pid}.tmp`);
    await writeFile(tmp, options.gzip ? gzipSync(bytes) : bytes);
    await rename(tmp, join(dir, name));
  }
}
