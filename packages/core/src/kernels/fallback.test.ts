// Without a loadable addon, @lite/core runs on the TypeScript reference kernels
// and says so once. LITE_ISA naming a path that does not exist makes the addon
// refuse to load, which stands in for a missing or broken binary.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const script = `
import('@lite/core').then(async (core) => {
  const tf = await import('@tensorflow/tfjs-core');
  const c = new Float32Array(4);
  core.kernels.gemm(2, 2, 2, new Float32Array([1, 2, 3, 4]), new Float32Array([5, 6, 7, 8]), c);
  const choice = await core.useBestBackend(() => {});
  const y = tf.conv2d(tf.ones([1, 3, 3, 1]), tf.ones([2, 2, 1, 1]), 1, 'valid').dataSync();
  console.log(JSON.stringify({ info: core.kernelInfo(), c: Array.from(c), backend: choice.backend, y: Array.from(y) }));
});`;

describe('fallback to the TypeScript kernels', () => {
  it('works, and warns once, when the addon cannot load', () => {
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      env: { ...process.env, LITE_ISA: 'no-such-path' },
      encoding: 'utf8',
    });
    expect(run.status, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout.trim().split('\n').pop()!);
    expect(result.info).toMatchObject({ native: false, isa: 'typescript' });
    expect(result.info.loadError).toMatch(/LITE_ISA=no-such-path/);
    expect(result.c).toEqual([19, 22, 43, 50]);
    expect(result.backend).toBe('cpu');
    expect(result.y).toEqual([4, 4, 4, 4]);
    expect(run.stderr.match(/native kernels unavailable/g)).toHaveLength(1);
  });
});
