import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lite, liteJson, requireBuiltCli } from '../testing/cli.js';

// `lite distill` end to end: a briefly trained seedCnn teaches seedStudent on a subset.

let tmp: string;
let teacher: string;
beforeAll(async () => {
  requireBuiltCli();
  tmp = await mkdtemp(join(tmpdir(), 'lite-distill-'));
  teacher = join(tmp, 'teacher');
  const t = await lite('train', '--model', 'seedCnn', '--epochs', '2', '--optimizer', 'adam', '--limit', '1024', '-o', teacher);
  expect(t.code, t.stderr).toBe(0);
}, 60_000);
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('lite distill', () => {
  it('kd: saves the student and compares with the student trained alone (JSON report)', async () => {
    const out = join(tmp, 'student');
    const r = await liteJson('distill', '--teacher', teacher, '--student', 'seedStudent', '--temperature', '2', '--alpha', '0.5', '--epochs', '2',
      '--optimizer', 'adam', '--lr', '0.003', '--limit', '1024', '--seed', '3', '--json', '-o', out);
    expect(r).toMatchObject({ method: 'kd', temperature: 2, alpha: 0.5, epochs: 2, seed: 3, student: 'seedStudent' });
    expect(r.studentAccuracy).toBeGreaterThan(0.3);
    expect(r.baselineAccuracy).toBeGreaterThan(0.2);
    expect(r.gainPoints).toBeCloseTo(100 * (r.studentAccuracy - r.baselineAccuracy), 6);
    expect(existsSync(join(out, 'model.json'))).toBe(true);
    // The saved student evaluates as distill measured it (same test subset).
    const e = await liteJson('eval', out, '--limit', '1024', '--runs', '1', '--json');
    expect(e.accuracy).toBeCloseTo(r.studentAccuracy, 6);
  }, 60_000);

  it('fitnets with a hint pair prints the table, epoch lines and the comparison', async () => {
    const r = await lite('distill', '--teacher', teacher, '--student', 'seedStudent', '--method', 'fitnets', '--hint', 'conv2:conv2', '--epochs', '1',
      '--optimizer', 'adam', '--lr', '0.003', '--limit', '512', '-o', join(tmp, 'fitnets'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/epoch 1\/1/);
    expect(r.stdout).toMatch(/method\s+fitnets/);
    expect(r.stdout).toMatch(/alone\s+[\d.]+%/);
    expect(r.stdout).toMatch(/gain\s+[+-][\d.]+ pt/);
  }, 60_000);

  it('usage mistakes exit 2 with a clear message; distill is listed', async () => {
    const out = join(tmp, 'x');
    const cases: [string[], RegExp][] = [
      [['distill', '--student', 'seedStudent', '-o', out], /missing required option --teacher/],
      [['distill', '--teacher', teacher, '--student', 'seedStudent', '--method', 'magic', '-o', out], /--method must be one of kd, fitnets, rkd, multi, self/],
      [['distill', '--teacher', teacher, '--student', 'seedStudent', '--alpha', '2', '-o', out], /--alpha must be ≤ 1/],
      [['distill', '--teacher', `${teacher},${teacher}`, '--student', 'seedStudent', '-o', out], /use --method multi/],
      [['distill', '--teacher', teacher, '--student', 'seedStudent', '--hint', 'fc1', '-o', out], /for --method fitnets/],
      [['distill', '--teacher', teacher, '--student', 'seedStudent', '--method', 'fitnets', '--hint', 'fc1', '-o', out], /student:teacher layer pairs/],
      [['distill', '--teacher', teacher, '--student', 'nosuch', '--limit', '64', '-o', out], /neither a zoo model name/],
    ];
    for (const [args, message] of cases) {
      const r = await lite(...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
    }
    const missing = await lite('distill', '--teacher', join(tmp, 'none'), '--student', 'seedStudent', '-o', out);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no model at .*none/);
    expect((await lite('--help')).stdout).toMatch(/distill/);
  }, 60_000);
});
