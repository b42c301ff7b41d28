// Writes a run's results as JSON and markdown under benchmarks/results/,
// each through a temporary file renamed into place, so a reader never sees half a file.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const RESULTS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'results');

export function writeAtomic(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

/** Writes <name>.json and <name>.md; returns their paths. */
export function writeResults(name: string, json: unknown, markdown: string): string[] {
  const base = join(RESULTS_DIR, name);
  writeAtomic(`${base}.json`, `${JSON.stringify(json, null, 2)}\n`);
  writeAtomic(`${base}.md`, markdown.endsWith('\n') ? markdown : `${markdown}\n`);
  return [`${base}.json`, `${base}.md`];
}
