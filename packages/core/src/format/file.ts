/** Reading and writing .lite files on disk. */
import { randomBytes } from 'node:crypto';
import { open, readFile, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { LiteGraph } from '../graph/types.js';
import { decodeLite, encodeLite, type EncodeLiteOptions } from './container.js';
import { LiteFormatError } from './errors.js';

/** Largest file {@link readLiteFile} reads (Node reads at most 2 GiB into one buffer). */
export const MAX_FILE_BYTES = 2 ** 31 - 1;

/**
 * Writes `graph` to `path` as a .lite file, atomically: the bytes are encoded first
 * (an invalid graph throws before anything touches the disk), written to a temporary
 * file in the same directory, flushed, and renamed over `path`. A failure leaves any
 * existing file at `path` as it was and removes the temporary file. The graph is not modified.
 */
export async function writeLiteFile(path: string, graph: LiteGraph, options: EncodeLiteOptions = {}): Promise<void> {
  const bytes = encodeLite(graph, options);
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  try {
    const handle = await open(tmp, 'wx');
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/**
 * Reads and validates a .lite file (see {@link decodeLite}). A malformed file throws
 * a {@link LiteFormatError} naming the file; file-system errors (missing file,
 * permissions) are thrown as they are.
 */
export async function readLiteFile(path: string): Promise<LiteGraph> {
  const info = await stat(path);
  if (!info.isFile()) throw new LiteFormatError('not a regular file', { file: path });
  if (info.size > MAX_FILE_BYTES) throw new LiteFormatError(`${info.size} bytes, over the ${MAX_FILE_BYTES}-byte limit of a .lite file`, { file: path });
  const bytes = await readFile(path);
  try {
    return decodeLite(bytes);
  } catch (err) {
    if (err instanceof LiteFormatError) throw new LiteFormatError(err.reason, { offset: err.offset, path: err.path, file: path });
    throw err;
  }
}
