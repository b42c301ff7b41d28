import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Writes `data` to `path` and flushes it to disk before returning. */
async function writeDurable(path: string, data: Uint8Array): Promise<void> {
  const handle = await open(path, 'w');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

const tmpSuffix = () => `${process.pid}-${randomBytes(4).toString('hex')}.tmp`;

/**
 * Writes a set of files into directory `dir` so that a crash never leaves a
 * half-written file. A new directory is assembled under a temporary name and renamed
 * into place whole. In an existing directory each file goes to a temporary name and
 * is renamed over the old one, in the order given (put the file that readers open
 * first, e.g. model.json, last).
 */
export async function writeFilesAtomic(dir: string, files: [name: string, data: Uint8Array][]): Promise<void> {
  const existing = await stat(dir).catch(() => undefined);
  if (existing && !existing.isDirectory()) throw new Error(`${dir} exists and is not a directory; choose another output path`);
  if (!existing) {
    await mkdir(dirname(dir), { recursive: true });
    const tmpDir = join(dirname(dir), `.${basename(dir)}.${tmpSuffix()}`);
    await mkdir(tmpDir);
    try {
      for (const [name, data] of files) await writeDurable(join(tmpDir, name), data);
      await rename(tmpDir, dir);
    } catch (err) {
      await rm(tmpDir, { recursive: true, force: true });
      throw err;
    }
    return;
  }
  const written: string[] = [];
  try {
    for (const [name, data] of files) {
      const tmp = join(dir, `.${name}.${tmpSuffix()}`);
      written.push(tmp);
      await writeDurable(tmp, data);
    }
    for (let i = 0; i < files.length; i++) await rename(written[i], join(dir, files[i][0]));
  } catch (err) {
    await Promise.all(written.map((p) => rm(p, { force: true })));
    throw err;
  }
}
