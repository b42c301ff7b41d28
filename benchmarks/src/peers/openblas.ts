// OpenBLAS peer: compiles openblas_gemm.c against the system libopenblas once
// per run, then runs it as a child like the other peers.
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { runJson, type GemmReply, type GemmRequest } from './child.js';

const here = dirname(fileURLToPath(import.meta.url));
// The C source stays in src/ (tsc does not copy it); this file runs from dist/peers/.
const source = join(here, '..', '..', 'src', 'peers', 'openblas_gemm.c');

let compiled: Promise<string> | undefined;

/** Path of the compiled harness; rejects with the compiler's message when libopenblas is missing. */
export function compileHarness(): Promise<string> {
  compiled ??= (async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'lite-bench-')), 'openblas_gemm');
    const cc = process.env.CC ?? 'cc';
    try {
      await promisify(execFile)(cc, ['-O2', source, '-o', out, '-lopenblas', '-lm']);
    } catch (err) {
      const detail = (err as { stderr?: string }).stderr?.trim().split('\n')[0] || (err as Error).message;
      throw new Error(`could not build the OpenBLAS harness with ${cc} (install libopenblas-dev): ${detail}`);
    }
    return out;
  })();
  return compiled;
}

export async function runOpenBlas(req: GemmRequest, threads: number): Promise<GemmReply> {
  const exe = await compileHarness();
  const env: NodeJS.ProcessEnv = { ...process.env, OPENBLAS_NUM_THREADS: String(threads) };
  // This machine's environment sets OPENBLAS_CORETYPE=Haswell, which pins the
  // AVX2 kernels; unset, OpenBLAS picks its best (AVX-512) core itself.
  delete env.OPENBLAS_CORETYPE;
  const { samples, minSampleSec, maxTotalSec } = req.protocol;
  const args = [samples, minSampleSec, maxTotalSec, ...req.shapes.flatMap((s) => [s.m, s.n, s.k])].map(String);
  return runJson<GemmReply>(exe, args, env);
}
