import { open, readFile, stat } from 'node:fs/promises';
import {
  LiteFormatError,
  MAGIC,
  MAX_FILE_BYTES,
  decodeLite,
  inspectLite,
  readTfjsModel,
  type LiteGraph,
  type LiteLayout,
  type TfjsModelFiles,
} from '@lite/core';

/** A model a command was given: a .lite file (read and validated), or a tfjs model directory. */
export type ModelSource =
  | { kind: 'lite'; path: string; graph: LiteGraph; layout: LiteLayout }
  | { kind: 'tfjs'; path: string; files: TfjsModelFiles };

/** Whether `path` is a regular file starting with the .lite magic bytes (or named *.lite). */
async function looksLite(path: string): Promise<boolean> {
  if (path.endsWith('.lite')) return true;
  const handle = await open(path, 'r');
  try {
    const head = new Uint8Array(MAGIC.length);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    return bytesRead === MAGIC.length && head.every((b, i) => b === MAGIC[i]);
  } finally {
    await handle.close();
  }
}

/**
 * Reads and validates a .lite file: every offset, length and checksum is checked
 * (a corrupt file is a LiteFormatError naming the file and where).
 */
export async function readLite(path: string): Promise<{ graph: LiteGraph; layout: LiteLayout }> {
  const info = await stat(path);
  if (info.size > MAX_FILE_BYTES) throw new LiteFormatError(`${info.size} bytes, over the ${MAX_FILE_BYTES}-byte limit of a .lite file`, { file: path });
  const bytes = await readFile(path);
  try {
    return { layout: inspectLite(bytes), graph: decodeLite(bytes) };
  } catch (err) {
    if (err instanceof LiteFormatError) throw new LiteFormatError(err.reason, { offset: err.offset, path: err.path, file: path });
    throw err;
  }
}

/**
 * Opens what the user named: a .lite file (by its magic bytes or extension), a
 * tfjs model directory, or a tfjs model.json. Errors say what was expected.
 */
export async function openModel(path: string): Promise<ModelSource> {
  const info = await stat(path).catch(() => undefined);
  if (!info) throw new Error(`no model at ${path}: no such file or directory; pass a .lite file, a tfjs model directory or its model.json`);
  if (info.isFile() && (await looksLite(path))) return { kind: 'lite', path, ...(await readLite(path)) };
  if (!info.isFile() && !info.isDirectory()) throw new Error(`${path} is not a file or directory; pass a .lite file, a tfjs model directory or its model.json`);
  return { kind: 'tfjs', path, files: await readTfjsModel(path) };
}
