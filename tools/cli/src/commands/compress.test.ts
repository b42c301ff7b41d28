import { decodeLite, decodeTensor } from '@lite/core';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lite, liteJson, requireBuiltCli } from '../testing/cli.js';

// `lite compress` end to end on a briefly trained seedCnn, small data, one fine-tuning epoch.

let tmp: string;
let model: string;
let dirBytes = 0;
beforeAll(async () => {
  requireBuiltCli();
  tmp = await mkdtemp(join(tmpdir(), 'lite-compress-'));
  model = join(tmp, 'seed');
  const t = await lite('train', '--model', 'seedCnn', '--epochs', '1', '--optimizer', 'adam', '--limit', '2048', '-o', model);
  expect(t.code, t.stderr).toBe(0);
  for (const f of await readdir(model)) dirBytes += (await stat(join(model, f))).size;
}, 60_000);
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('lite compress', () => {
  it('deep-compression: pruned, 5-bit k-means survivors with exact zeros, csr, per-step table in JSON', async () => {
    const out = join(tmp, 'dc.lite');
    const r = await liteJson('compress', model, '--recipe', 'deep-compression', '--finetune-epochs', '1', '--limit', '512', '--json', '-o', out);
    expect(r.recipe).toBe('deep-compression');
    expect(r.steps.map((s: { step: string }) => s.step)).toEqual(['input', 'prune', 'quantize kmeans-5', 'entropy-code']);
    expect(r.inputBytes).toBe(dirBytes);
    expect(r.outputBytes).toBe((await stat(out)).size);
    expect(r.ratio).toBeGreaterThan(15);
    expect(r.accuracy.drop).toBeCloseTo(r.accuracy.before - r.accuracy.after, 10);
    const graph = decodeLite(await readFile(out));
    let zeros = 0;
    let all = 0;
    for (const t of graph.tensors.values()) {
      if (t.shape.length < 2) continue;
      expect(t.encoding).toBe('csr');
      const v = decodeTensor(t);
      all += v.length;
      zeros += v.filter((x) => x === 0).length;
      expect(new Set(v.filter((x) => x !== 0)).size).toBeLessThanOrEqual(31);
    }
    expect(zeros / all).toBeCloseTo(0.95, 3);
    expect(graph.provenance.map((p) => p.step)).toEqual(['prune', 'quantize', 'entropy-code']);
  }, 30_000);

  it('a recipe.json with int8 survivors, overrides, a teacher; the table on stdout', async () => {
    const recipe = join(tmp, 'r.json');
    await writeFile(recipe, JSON.stringify({ name: 'mine', steps: [{ prune: { sparsity: 0.8, finetune: { epochs: 1 } } }, { quantize: { mode: 'int8' } }, { entropyCode: {} }] }));
    const out = join(tmp, 'int8.lite');
    const r = await lite('compress', model, '--recipe', recipe, '--sparsity', '0.85', '--teacher', model, '--limit', '256', '-o', out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^recipe mine/);
    expect(r.stdout).toMatch(/quantize int8/);
    expect(r.stdout).toMatch(/wrote .*int8\.lite/);
    const graph = decodeLite(await readFile(out));
    const prune = graph.provenance.find((p) => p.step === 'prune')!;
    expect(prune.options).toMatchObject({ sparsity: 0.85, teacher: true });
  }, 30_000);

  it('usage errors exit 2; --print-recipe shows the recipe after overrides', async () => {
    const bad = await lite('compress', model, '--recipe', 'nope', '-o', join(tmp, 'x.lite'));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/built-in recipe/);
    expect((await lite('compress', model, '-o', join(tmp, 'x.tfjs'))).code).toBe(2);
    const badJson = join(tmp, 'bad.json');
    await writeFile(badJson, JSON.stringify({ steps: [{ shrink: {} }] }));
    expect((await lite('compress', model, '--recipe', badJson, '-o', join(tmp, 'x.lite'))).code).toBe(2);
    const printed = await liteJson('compress', model, '--bits', '4', '--print-recipe', '-o', join(tmp, 'x.lite'));
    expect(printed.steps[1]).toEqual({ quantize: { mode: 'kmeans', bits: 4, halfCodebook: true, halfBiases: true } });
  }, 30_000);
});
