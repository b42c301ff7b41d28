import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lite, onlyJson, requireBuiltCli } from './testing/cli.js';

// These tests run the built CLI, as users do: build first (npm run build / turbo does).

/** A tiny MNIST-format IDX folder (gzipped) with `count` random digits per split. */
async function writeTinyIdx(dir: string, count: number): Promise<void> {
  await mkdir(dir, { recursive: true });
  const header = (values: number[]) => {
    const b = Buffer.alloc(4 * values.length);
    values.forEach((v, i) => b.writeUInt32BE(v, 4 * i));
    return b;
  };
  const pixels = Buffer.from(Array.from({ length: count * 784 }, (_, i) => (i * 37) % 256));
  const labels = Buffer.from(Array.from({ length: count }, (_, i) => i % 10));
  for (const prefix of ['train', 't10k']) {
    await writeFile(join(dir, `${prefix}-images-idx3-ubyte.gz`), gzipSync(Buffer.concat([header([0x803, count, 28, 28]), pixels])));
    await writeFile(join(dir, `${prefix}-labels-idx1-ubyte.gz`), gzipSync(Buffer.concat([header([0x801, count]), labels])));
  }
}

let tmp: string;
beforeAll(async () => {
  requireBuiltCli();
  tmp = await mkdtemp(join(tmpdir(), 'lite-cli-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('lite (help and errors)', () => {
  it('lists the commands, and has --help for each', async () => {
    const top = await lite('--help');
    expect(top.code).toBe(0);
    for (const name of ['demo', 'train', 'eval', 'convert', 'inspect', 'info']) {
      expect(top.stdout).toContain(`  ${name}`);
      const help = await lite(name, '--help');
      expect(help.code, name).toBe(0);
      expect(help.stdout).toMatch(new RegExp(`^Usage: lite ${name}`));
    }
    expect((await lite()).code).toBe(2);
  });

  it('exits 2 with a clear message on usage mistakes', async () => {
    const cases: [string[], RegExp][] = [
      [['frob'], /unknown command 'frob'/],
      [['train', '--model', 'seedCnn'], /missing required option --output \(-o\)/],
      [['train', '--model', 'resnet', '-o', 'x'], /--model must be one of seedCnn, seedStudent, lenet300, lenet5/],
      [['train', '--model', 'seedCnn', '--epochs', 'two', '-o', 'x'], /--epochs needs a number/],
      [['train', '--model', 'seedCnn', '--optimizer', 'rmsprop', '-o', 'x'], /--optimizer must be one of sgd, adam/],
      [['eval'], /missing <model>/],
      [['info', '--verbose'], /unknown option --verbose/],
    ];
    for (const [args, message] of cases) {
      const r = await lite(...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stdout).toBe('');
    }
  });

  it('exits 1 when the work fails (no model, bad data folder)', async () => {
    const noModel = await lite('eval', join(tmp, 'none'), '--json');
    expect(noModel.code).toBe(1);
    expect(noModel.stderr).toMatch(/no model at .*none/);
    expect(noModel.stdout).toBe('');
    const badData = await lite('train', '--model', 'lenet300', '--data', join(tmp, 'nodata'), '-o', join(tmp, 'x'));
    expect(badData.code).toBe(2);
    expect(badData.stderr).toMatch(/neither 'mnist' nor a directory of IDX files/);
  });
});

describe('lite (commands)', () => {
  it('info --json prints {version, backend, native, isa, threads}', async () => {
    const r = await lite('info', '--json');
    expect(r.code).toBe(0);
    const info = onlyJson(r.stdout);
    expect(Object.keys(info).sort()).toEqual(['backend', 'isa', 'native', 'threads', 'version']);
    expect(info.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(['tensorflow', 'lite', 'cpu']).toContain(info.backend);
    expect(typeof info.native).toBe('boolean');
    expect(typeof info.threads).toBe('number');
  });

  it('trains on a subset, saves, and eval --json prints exactly the report object', async () => {
    const out = join(tmp, 'mlp');
    const t = await lite('train', '--model', 'lenet300', '--epochs', '1', '--batch', '32', '--limit', '128', '--optimizer', 'adam', '-o', out, '--json');
    expect(t.code, t.stderr).toBe(0);
    const summary = onlyJson(t.stdout);
    expect(summary.output).toBe(out);
    expect(existsSync(join(out, 'model.json')) && existsSync(join(out, 'weights.bin'))).toBe(true);

    const e = await lite('eval', out, '--json', '--limit', '100', '--runs', '2');
    expect(e.code, e.stderr).toBe(0);
    const report = onlyJson(e.stdout);
    expect(Object.keys(report).sort()).toEqual(['accuracy', 'bytes', 'latencyMs', 'loss', 'macs', 'params']);
    expect(report.params).toBe(266610);
    expect(report.bytes).toBe(4 * 266610);
    expect(report.macs).toBe(784 * 300 + 300 * 100 + 100 * 10);
    expect(report.accuracy).toBeGreaterThanOrEqual(0);
    expect(report.accuracy).toBeLessThanOrEqual(1);
    const latency = report.latencyMs as Record<string, Record<string, number>>;
    expect(Object.keys(latency).sort()).toEqual(['b1', 'b256']);
    for (const b of ['b1', 'b256']) {
      expect(Object.keys(latency[b]).sort()).toEqual(['p50', 'p95']);
      expect(latency[b].p95).toBeGreaterThanOrEqual(latency[b].p50);
    }

    const human = await lite('eval', out, '--limit', '50', '--runs', '1');
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/accuracy\s+\d+\.\d\d%/);
    expect(human.stdout).toMatch(/latency b256/);
  });

  it('trains from a folder of gzipped IDX files', async () => {
    const data = join(tmp, 'idx');
    await writeTinyIdx(data, 40);
    const r = await lite('train', '--model', 'lenet300', '--data', data, '--epochs', '2', '--batch', '16', '-o', join(tmp, 'idx-model'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^saved .*idx-model: test accuracy \d+\.\d\d%/);
    expect(r.stderr).toMatch(/epoch 2\/2 {2}loss/);
  });

  it('demo runs the seed recipe end to end on a subset', async () => {
    const r = await lite('demo', '--epochs', '1', '--limit', '256', '--runs', '1', '--json');
    expect(r.code, r.stderr).toBe(0);
    const report = onlyJson(r.stdout);
    expect(report.params).toBe(21840);
    expect(report.macs).toBe(480500);
    expect(r.stderr).toMatch(/SGD lr 0\.01 momentum 0\.5, batch 64, 1 epochs, seed 0/);
  });
});
