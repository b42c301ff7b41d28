// The AVX2 int8 kernel (vpmaddwd, no VNNI) only runs on a VNNI CPU with
// LITE_VNNI=0: run the int8 test files again in a child that way, once, from
// the default path's run.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import native from '@lite/native';

const files = ['gemm_s8.test.ts', 'conv_s8.test.ts', 'conv_s8_bytes.test.ts'].map((f) => fileURLToPath(new URL(f, import.meta.url)));
const vnniCpu = native.cpuFeatures().avxVnni || native.cpuFeatures().avx512Vnni;

describe.runIf(vnniCpu && process.env.LITE_VNNI !== '0' && !process.env.LITE_ISA)('the AVX2 int8 kernel on this VNNI CPU', () => {
  it('passes the int8 GEMM and conv tests with LITE_ISA=avx2 LITE_VNNI=0', () => {
    const run = spawnSync('npx', ['vitest', 'run', ...files], {
      env: { ...process.env, LITE_ISA: 'avx2', LITE_VNNI: '0' }, encoding: 'utf8', timeout: 600_000,
    });
    expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
  });
});
