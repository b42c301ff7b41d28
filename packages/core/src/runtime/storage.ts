import type { LiteGraph } from '../graph/index.js';

// The bridge to the .lite container (packages/core/src/format), wired once it lands.

/** Reads a .lite file (path) or its bytes into a graph. */
export async function loadGraph(source: string | Uint8Array): Promise<LiteGraph> {
  void source;
  throw new Error('reading .lite files is not available in this build of @lite/core yet');
}

/** Writes a graph as a .lite file at `path`. */
export async function saveGraph(path: string, graph: LiteGraph): Promise<void> {
  void path;
  void graph;
  throw new Error('writing .lite files is not available in this build of @lite/core yet');
}
