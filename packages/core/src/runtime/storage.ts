import { decodeLite, readLiteFile, writeLiteFile, type EncodeLiteOptions } from '../format/index.js';
import type { LiteGraph } from '../graph/index.js';

// The runtime's bridge to the .lite container (packages/core/src/format).

/** Reads a .lite file (a path) or its bytes into a graph; a malformed file is a LiteFormatError saying what and where. */
export async function loadGraph(source: string | Uint8Array): Promise<LiteGraph> {
  if (typeof source === 'string') return readLiteFile(source);
  if (source instanceof Uint8Array) return decodeLite(source);
  throw new TypeError('LiteModel.load takes the path of a .lite file or its bytes (a Uint8Array)');
}

/** Writes a graph as a .lite file at `path`, atomically. */
export async function saveGraph(path: string, graph: LiteGraph, options?: EncodeLiteOptions): Promise<void> {
  await writeLiteFile(path, graph, options);
}
