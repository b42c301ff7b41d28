// Compiles a C harness from src/peers/ with the system C compiler ($CC, else cc),
// once per source and flags in a run, into a temporary folder. The OpenBLAS peer
// and the peak microbenchmark both build this way.
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));
const built = new Map<string, Promise<string>>();

/**
 * Path of the executable built from src/peers/<name>.c with `args` (flags, then
 * libraries); rejects with the compiler's first error line, prefixed by `what`.
 */
export function compileC(name: string, args: string[], what: string): Promise<string> {
  const key = [name, ...args].join(' ');
  let exe = built.get(key);
  if (!exe) {
    exe = build(name, args, what);
    built.set(key, exe);
  }
  return exe;
}

async function build(name: string, args: string[], what: string): Promise<string> {
  // The C source stays in src/ (tsc does not copy it); this file runs from dist/peers/.
  const source = join(here, '..', '..', 'src', 'peers', `${name}.c`);
  const out = join(mkdtempSync(join(tmpdir(), 'lite-bench-')), name);
  const cc = process.env.CC ?? 'cc';
  const [flags, libs] = [args.filter((a) => !a.startsWith('-l')), args.filter((a) => a.startsWith('-l'))];
  try {
    await promisify(execFile)(cc, [...flags, source, '-o', out, ...libs]);
  } catch (err) {
    const e = err as { stderr?: string; code?: unknown };
    const detail = e.code === 'ENOENT' ? `${cc} not found` : e.stderr?.trim().split('\n')[0] || (err as Error).message;
    throw new Error(`could not build ${what} with ${cc}: ${detail}`);
  }
  return out;
}
