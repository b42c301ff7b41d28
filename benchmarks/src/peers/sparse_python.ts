// The Python peers of the sparse benchmark (scipy.sparse, torch.sparse CSR) as
// child processes of sparse_python.py on the system Python, one thread, with
// passive OpenMP waiting (spinning workers would steal the second core).
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runJson, type GemmReply, type GemmRequest } from './child.js';
import { pythonPath } from './pytorch.js';

const here = dirname(fileURLToPath(import.meta.url));
// Not compiled: the script stays in src/peers beside this file's source.
const script = join(here, '..', '..', 'src', 'peers', 'sparse_python.py');

export type PythonEngine = 'scipy' | 'torch';
const MODULE: Record<PythonEngine, string> = { scipy: 'scipy.sparse', torch: 'torch' };

/** Why the engine cannot run (its module does not import), or undefined when it can. */
export function pythonMissing(engine: PythonEngine): string | undefined {
  const probe = spawnSync(pythonPath(), ['-c', `import numpy, ${MODULE[engine]}`], { encoding: 'utf8' });
  if (probe.status === 0) return undefined;
  return `n/a (not installed): ${pythonPath()} cannot import numpy and ${MODULE[engine]} (Debian: python3-${engine === 'torch' ? 'torch' : 'scipy'}; LITE_BENCH_PYTHON picks the interpreter)`;
}

export function runPythonSparse(engine: PythonEngine, sparsity: number) {
  const env = { ...process.env, OMP_WAIT_POLICY: 'PASSIVE', OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };
  return (req: GemmRequest) => runJson<GemmReply>(pythonPath(), [script, JSON.stringify(req), engine, String(sparsity)], env);
}
