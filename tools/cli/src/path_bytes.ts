import { readdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** Bytes of a model on disk: a file's size, or the files of a directory (a model.json counts as its directory: model.json plus weights). */
export async function pathBytes(path: string): Promise<number> {
  const info = await stat(path);
  if (!info.isDirectory()) {
    if (path.endsWith('.json')) return pathBytes(dirname(path));
    return info.size;
  }
  let bytes = 0;
  for (const f of await readdir(path)) {
    const s = await stat(join(path, f));
    if (s.isFile()) bytes += s.size;
  }
  return bytes;
}
