import { decodeLite } from '@lite/core';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lite, liteJson, requireBuiltCli } from './testing/cli.js';

// `lite quantize` end to end on a briefly trained seedCnn.

let tmp: string;
let model: string;
beforeAll(async () => {
  requireBuiltCli();
  tmp = await mkdtemp(join(tmpdir(), 'lite-quantize-'));
  model = join(tmp, 'seed');
  const t = await lite('train', '--model', 'seedCnn', '--epochs', '1', '--limit', '1024', '-o', model);
  expect(t.code, t.stderr).toBe(0);
}, 60_000);
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('lite quantize', () => {
  it('static int8: calibrated ranges in the file, accuracy within 1 pt, > 3× smaller', async () => {
    const out = join(tmp, 'static.lite');
    const r = await liteJson('quantize', model, '--mode', 'static', '--calib-method', 'percentile', '--calib-samples', '256', '--limit', '1024', '--json', '-o', out);
    expect(r.layers.map((l: { format: string }) => l.format)).toEqual(['int8', 'int8', 'int8', 'int8']);
    expect(r.accuracy.drop).toBeLessThan(1);
    expect(r.ratio).toBeGreaterThan(3);
    const graph = decodeLite(await readFile(out));
    expect(graph.nodes.filter((n) => 'inputQuant' in n)).toHaveLength(4);
    expect(graph.provenance.at(-1)).toMatchObject({ step: 'quantize', options: { mode: 'static', calibMethod: 'percentile' } });
  }, 60_000);

  it('mixed precision prints the bits chosen per layer; eval runs the file', async () => {
    const out = join(tmp, 'mixed.lite');
    const r = await lite('quantize', model, '--mode', 'mixed', '--max-bytes', '14000', '--limit', '512', '-o', out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/fc1\s+int[48]/);
    expect(r.stderr).toMatch(/sensitivity \[=+\] 12\/12/);
    const after = Number(/accuracy\s+[\d.]+% → ([\d.]+)%/.exec(r.stdout)![1]);
    // The same 512 test samples (--limit picks them with one seed): the file evaluates as quantize measured it.
    const e = await liteJson('eval', out, '--limit', '512', '--runs', '2', '--json');
    expect(100 * e.accuracy).toBeCloseTo(after, 1);
  }, 60_000);

  it('usage mistakes exit 2 with a clear message', async () => {
    const cases: [string[], RegExp][] = [
      [['quantize', model, '-o', join(tmp, 'x.lite')], /--mode/],
      [['quantize', model, '--mode', 'int3', '-o', join(tmp, 'x.lite')], /--mode/],
      [['quantize', model, '--mode', 'mixed', '-o', join(tmp, 'x.lite')], /needs a budget/],
      [['quantize', model, '--mode', 'static', '--per-tensor', '--per-channel', '-o', join(tmp, 'x.lite')], /contradict/],
    ];
    for (const [args, message] of cases) {
      const r = await lite(...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
    }
    const bits = await lite('quantize', model, '--mode', 'static', '--bits', '4', '-o', join(tmp, 'x.lite'));
    expect(bits.code).toBe(1);
    expect(bits.stderr).toMatch(/mode 'static' takes bits 8/);
    const teacherless = await lite('quantize', model, '--mode', 'static', '--teacher', model, '-o', join(tmp, 'x.lite'));
    expect(teacherless.code).toBe(1);
    expect(teacherless.stderr).toMatch(/teacher guides QAT's fine-tuning/);
  });

  it('qat with a teacher (its soft targets are the fine-tuning loss)', async () => {
    const out = join(tmp, 'qat-kd.lite');
    const r = await liteJson('quantize', model, '--mode', 'qat', '--bits', '8', '--epochs', '1', '--teacher', model, '--alpha', '0.7', '--limit', '512', '--json', '-o', out);
    expect(r.accuracy.drop).toBeLessThan(2);
    const t = await lite('quantize', model, '--mode', 'qat', '--temperature', '2', '-o', join(tmp, 'y.lite'));
    expect(t.code).toBe(1);
    expect(t.stderr).toMatch(/distillation settings: pass options.teacher/);
  }, 60_000);
});
