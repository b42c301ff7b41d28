import { decodeLite, decodeTensor } from '@lite/core';
import { checkNM } from '@lite/prune';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lite, liteJson, requireBuiltCli } from '../testing/cli.js';

// `lite prune` and `lite sensitivity` end to end on a briefly trained seedCnn.

let tmp: string;
let model: string;
beforeAll(async () => {
  requireBuiltCli();
  tmp = await mkdtemp(join(tmpdir(), 'lite-prune-'));
  model = join(tmp, 'seed');
  const t = await lite('train', '--model', 'seedCnn', '--epochs', '2', '--optimizer', 'adam', '--limit', '2048', '-o', model);
  expect(t.code, t.stderr).toBe(0);
}, 60_000);
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

const kernelOf = (graph: ReturnType<typeof decodeLite>, layer: string) => {
  const node = graph.nodes.find((n) => n.name === layer) as { kernel: string };
  const t = graph.tensors.get(node.kernel)!;
  return { tensor: t, values: decodeTensor(t) };
};

describe('lite prune', () => {
  it('90% global, polynomial schedule, masked fine-tuning: a sparse .lite whose layers hold the reported sparsity', async () => {
    const out = join(tmp, 'p90.lite');
    const r = await liteJson('prune', model, '--sparsity', '0.9', '--scope', 'global', '--schedule', 'polynomial', '--finetune-epochs', '2',
      '--limit', '1024', '--json', '-o', out);
    expect(r).toMatchObject({ method: 'magnitude', scope: 'global', schedule: 'polynomial', masks: true, asked: 0.9 });
    expect(r.overall.afterFinetune).toBeCloseTo(0.9, 4);
    expect(r.layers.map((l: { layer: string }) => l.layer)).toEqual(['conv1', 'conv2', 'fc1', 'fc2']);
    const graph = decodeLite(await readFile(out));
    let zeros = 0;
    for (const l of r.layers) {
      expect(l.afterFinetune).toBe(l.asked);
      const { tensor, values } = kernelOf(graph, l.layer);
      const z = values.filter((v) => v === 0).length;
      expect(z / values.length).toBeCloseTo(l.afterFinetune, 10);
      zeros += z;
      if (l.layer === 'fc1') expect(tensor.encoding).toBe('csr');
    }
    expect(zeros).toBe(Math.round(0.9 * 21750));
    expect(graph.provenance.at(-1)).toMatchObject({ step: 'prune', options: { sparsity: 0.9, scope: 'global', schedule: { kind: 'polynomial' } } });
    expect(r.outputBytes).toBe((await stat(out)).size);
    expect(r.ratio).toBeGreaterThan(5);
    expect(r.accuracy.after).toBeGreaterThan(r.accuracy.before - 5);
  }, 60_000);

  it('the reference threshold recipe: with --no-masks the weights grow back, with masks they stay pruned; tfjs output', async () => {
    const run = (...extra: string[]) => liteJson('prune', model, '--method', 'threshold', '--threshold', '0.05', '--finetune-epochs', '1',
      '--optimizer', 'sgd', '--limit', '1024', '--json', ...extra);
    const masked = await run('-o', join(tmp, 'thr-masked'));
    const grown = await run('--no-masks', '-o', join(tmp, 'thr-grown'));
    expect(masked.asked).toBeNull();
    expect(masked.overall.afterPruning).toBeGreaterThan(0.2);
    expect(masked.overall.afterFinetune).toBe(masked.overall.afterPruning);
    expect(grown.overall.afterPruning).toBe(masked.overall.afterPruning);
    expect(grown.overall.afterFinetune).toBeLessThan(grown.overall.afterPruning / 2);
    expect((await stat(join(tmp, 'thr-masked', 'model.json'))).isFile()).toBe(true);
  }, 60_000);

  it('--nm 2:4 writes kernels that pass the N:M checker; the table is printed', async () => {
    const out = join(tmp, 'nm.lite');
    const r = await lite('prune', model, '--nm', '2:4', '--limit', '512', '-o', out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/fc1\s+16000\s+50\.00%\s+50\.00%\s+50\.00%/);
    expect(r.stdout).toMatch(/accuracy\s+[\d.]+% → [\d.]+% pruned/);
    const graph = decodeLite(await readFile(out));
    for (const layer of ['conv1', 'conv2', 'fc1', 'fc2']) {
      const { tensor, values } = kernelOf(graph, layer);
      expect(checkNM(values, tensor.shape, 2, 4), layer).toEqual([]);
    }
  }, 60_000);

  it('--structured filter --ratio 0.5 removes half the conv filters (pruneStructured), then --sparsity prunes what is left', async () => {
    const out = join(tmp, 'thin.lite');
    const r = await liteJson('prune', model, '--structured', 'filter', '--ratio', '0.5', '--sparsity', '0.5', '--finetune-epochs', '1',
      '--limit', '512', '--json', '-o', out);
    expect(r.structured).toMatchObject({ target: 'filter', ratio: 0.5 });
    expect(r.structured.params.after).toBeLessThan(0.6 * r.structured.params.before);
    const graph = decodeLite(await readFile(out));
    expect(kernelOf(graph, 'conv1').tensor.shape).toEqual([5, 5, 1, 5]);
    expect(kernelOf(graph, 'conv2').tensor.shape).toEqual([5, 5, 5, 10]);
    for (const l of r.layers) expect(l.afterFinetune).toBe(Math.round(0.5 * l.weights) / l.weights);
    const text = await lite('prune', model, '--structured', 'neuron', '--ratio', '0.5', '--limit', '256', '-o', join(tmp, 'thin-fc.lite'));
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/fc1\s+Dense\s+16,050 → 8,025/);
    expect(text.stdout).toMatch(/accuracy\s+[\d.]+% → [\d.]+% pruned/);
  }, 60_000);

  it('usage mistakes exit 2, bad option combinations exit 1, each with the reason', async () => {
    const o = ['-o', join(tmp, 'x.lite')];
    const usage: [string[], RegExp][] = [
      [['prune', model, '--sparsity', '0.9'], /missing required option --output/],
      [['prune', model, '--sparsity', '1.5', ...o], /--sparsity must be < 1/],
      [['prune', model, '--sparsity', '0.9', '--method', 'lottery', ...o], /--method must be one of magnitude, taylor, l1, threshold, random/],
      [['prune', model, '--sparsity', '0.9', '--schedule', 'polynomial', ...o], /add --finetune-epochs N/],
      [['prune', model, '--sparsity', '0.9', '--end-step', '100', ...o], /--end-step sets a gradual schedule: add --schedule polynomial/],
      [['prune', model, '--nm', '2/4', ...o], /--nm: an N:M pattern is two integers like 2:4/],
      [['prune', model, '--ratio', '0.5', ...o], /--ratio needs --structured filter\|channel\|neuron/],
      [['prune', model, '--structured', 'filter', ...o], /--structured filter needs --ratio R/],
    ];
    for (const [args, message] of usage) {
      const r = await lite(...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
    }
    const failures: [string[], RegExp][] = [
      [['prune', model, ...o], /needs a target: pass options.sparsity/],
      [['prune', model, '--method', 'threshold', ...o], /needs options.threshold/],
      [['prune', model, '--sparsity', '0.5', '--exclude', 'conv9', ...o], /exclude names layer 'conv9'/],
      [['prune', join(tmp, 'missing'), '--sparsity', '0.5', ...o], /no model at/],
    ];
    for (const [args, message] of failures) {
      const r = await lite(...args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr).toMatch(message);
    }
  }, 60_000);
});

describe('lite sensitivity', () => {
  it('prints accuracy per layer and sparsity, and an allocation meeting the target', async () => {
    const r = await liteJson('sensitivity', model, '--sparsities', '0.5,0.9,0.99', '--target', '0.8', '--limit', '512', '--json');
    expect(r.sparsities).toEqual([0.5, 0.9, 0.99]);
    expect(r.layers.map((l: { layer: string }) => l.layer)).toEqual(['conv1', 'conv2', 'fc1', 'fc2']);
    for (const l of r.layers) expect(l.accuracy).toHaveLength(3);
    const zeros = r.layers.reduce((n: number, l: { layer: string; weights: number }) => n + Math.round(r.allocation[l.layer] * l.weights), 0);
    expect(zeros).toBe(Math.round(0.8 * 21750));
    const text = await lite('sensitivity', model, '--sparsities', '0.5,0.9', '--limit', '256');
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/layer\s+weights\s+50%\s+90%/);
    expect(text.stdout).toMatch(/fc1\s+16000\s+[\d.]+\s+[\d.]+/);
    const bad = await lite('sensitivity', model, '--sparsities', '0.5,1.2');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--sparsities must be numbers in \(0, 1\)/);
  }, 60_000);
});
