// Every GEMM peer runs in its own process: thread counts are read once at load
// (LITE_NUM_THREADS, OPENBLAS_NUM_THREADS), and tfjs backends keep global state.
// A child gets its request as JSON in argv and answers with JSON on stdout.
import { spawn } from 'node:child_process';
import type { Protocol } from '../timing.js';

export interface Shape {
  m: number;
  n: number;
  k: number;
}

export interface GemmRequest {
  shapes: Shape[];
  protocol: Protocol;
  /** tfjs `cpu` only: shapes above this many flops are timed on an M-slice and scaled. */
  sliceAboveFlops?: number;
  sliceRows?: number;
}

export interface ShapeTiming extends Shape {
  /** Seconds per call of the full shape, one per sample. */
  secPerCall: number[];
  /** Set when the time was extrapolated from fewer rows (GEMM cost is linear in M). */
  timedRows?: number;
}

export interface GemmReply {
  /** What actually ran: ISA, thread count, library core, ... */
  info: Record<string, string | number | boolean>;
  timings: ShapeTiming[];
}

/** Runs `command args`, returns its stdout parsed as JSON; rejects with its stderr on failure. */
export function runJson<T>(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) {
        reject(new Error(`${command} ${args[0] ?? ''} exited with ${code}: ${errorLine(err)}`));
        return;
      }
      try {
        resolve(JSON.parse(out) as T);
      } catch {
        reject(new Error(`${command} ${args[0] ?? ''} printed no JSON: ${out.slice(0, 500)}`));
      }
    });
  });
}

/** The line of a child's stderr that says what went wrong (the last one naming an error, else the last one). */
function errorLine(stderr: string): string {
  const lines = stderr.split('\n').map((l) => l.trim()).filter(Boolean);
  return [...lines].reverse().find((l) => /error\b/i.test(l)) ?? lines.at(-1) ?? '(no output)';
}

/** In a child: the request passed as argv[2]. */
export function readRequest<T>(): T {
  const raw = process.argv[2];
  if (!raw) throw new Error('expected the request as JSON in argv[2]');
  return JSON.parse(raw) as T;
}

/** Random values in [-1, 1): GEMM time does not depend on them, but denormals would. */
export function randomMatrix(length: number, seed: number): Float32Array {
  const out = new Float32Array(length);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = ((s >>> 0) / 4294967296) * 2 - 1;
  }
  return out;
}
