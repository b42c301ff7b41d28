import { mkdtemp, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeLite } from './container.js';
import { LiteFormatError } from './errors.js';
import { readLiteFile, writeLiteFile } from './file.js';
import { everyOp, tinyCnn } from './samples.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lite-format-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('writeLiteFile / readLiteFile', () => {
  it('writes atomically and reads back; no temporary file is left', async () => {
    const path = join(dir, 'model.lite');
    const g = everyOp();
    const before = structuredClone(g);
    await writeLiteFile(path, g);
    expect(g).toEqual(before);
    expect(await readdir(dir)).toEqual(['model.lite']);
    expect(Buffer.from(await readFile(path)).equals(Buffer.from(encodeLite(g)))).toBe(true);
    const back = await readLiteFile(path);
    expect(back.nodes).toEqual(g.nodes);
    expect([...back.tensors.keys()]).toEqual([...g.tensors.keys()]);
  });

  it('replaces an existing file whole', async () => {
    const path = join(dir, 'model.lite');
    await writeLiteFile(path, tinyCnn());
    await writeLiteFile(path, everyOp(), { huffman: 'off' });
    expect(await readdir(dir)).toEqual(['model.lite']);
    expect((await readLiteFile(path)).outputs).toEqual(everyOp().outputs);
  });

  it('an invalid graph fails before the disk is touched: the old file stays', async () => {
    const path = join(dir, 'model.lite');
    await writeLiteFile(path, tinyCnn());
    const old = await readFile(path);
    const bad = { ...tinyCnn(), outputs: ['missing'] };
    await expect(writeLiteFile(path, bad)).rejects.toThrow(/no node named "missing" \(at header\.outputs\[0\]\)/);
    expect(Buffer.from(await readFile(path)).equals(old)).toBe(true);
    expect(await readdir(dir)).toEqual(['model.lite']);
  });

  it('a failed rename leaves the target as it was and removes the temporary file', async () => {
    const target = join(dir, 'taken');
    await mkdir(target);
    await writeFile(join(target, 'keep.txt'), 'x');
    await expect(writeLiteFile(target, tinyCnn())).rejects.toThrow();
    expect((await readdir(dir)).sort()).toEqual(['taken']);
    expect(await readdir(target)).toEqual(['keep.txt']);
  });

  it('a missing directory is an error and creates nothing', async () => {
    await expect(writeLiteFile(join(dir, 'no', 'such', 'model.lite'), tinyCnn())).rejects.toThrow(/ENOENT/);
    expect(await readdir(dir)).toEqual([]);
  });

  it('names the file in format errors; file-system errors pass through', async () => {
    const path = join(dir, 'broken.lite');
    const bytes = encodeLite(tinyCnn());
    await writeFile(path, bytes.subarray(0, bytes.length - 5));
    const err = await readLiteFile(path).catch((e) => e);
    expect(err).toBeInstanceOf(LiteFormatError);
    expect(err.message).toMatch(new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: .*truncated`));
    expect(err.file).toBe(path);
    expect(err.offset).toBeTypeOf('number');
    await expect(readLiteFile(join(dir, 'none.lite'))).rejects.toThrow(/ENOENT/);
    await expect(readLiteFile(dir)).rejects.toThrow(/not a regular file/);
  });
});
