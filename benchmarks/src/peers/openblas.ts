// OpenBLAS peer: compiles openblas_gemm.c against the system libopenblas once
// per run, then runs it as a child like the other peers.
import { compileC } from './cc.js';
import { runJson, type GemmReply, type GemmRequest } from './child.js';

/** Path of the compiled harness; rejects with the compiler's message when libopenblas is missing. */
const compileHarness = (): Promise<string> =>
  compileC('openblas_gemm', ['-O2', '-lopenblas', '-lm'], 'the OpenBLAS harness (install libopenblas-dev)');

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
