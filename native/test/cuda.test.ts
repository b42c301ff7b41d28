// The optional CUDA addon (native/src/cuda): each kernel against the CPU path
// on odd shapes, exactly for integers and within a tolerance for floats. These
// need the addon built (CMake found nvcc) and a device; elsewhere they are
// skipped with a visible reason. The configure logic and the loader's report
// are tested everywhere.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import native from '../index.js';
import { loadCuda } from '../cuda.js';

const here = dirname(fileURLToPath(import.meta.url));
const load = loadCuda();
const cuda = load.cuda;
const device = cuda !== null && cuda.cudaAvailable();
const skipReason = cuda === null ? load.reason : device ? '' : `no usable CUDA device: ${cuda.cudaUnavailableReason()}`;
if (!device) console.warn(`[cuda.test] CUDA kernel comparisons SKIPPED: ${skipReason}`);
else console.warn(`[cuda.test] running the CUDA kernels on ${cuda!.deviceName()}`);

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function expectClose(got: Float32Array, want: Float32Array, rel = 1e-5, abs = 1e-5): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < got.length; ++i) {
    const tol = abs + rel * Math.abs(want[i]);
    if (!(Math.abs(got[i] - want[i]) <= tol)) expect.fail(`element ${i}: got ${got[i]}, want ${want[i]} (±${tol})`);
  }
}

const shapes: [number, number, number][] = [[1, 1, 1], [7, 13, 37], [33, 17, 130], [5, 70, 257], [19, 3, 1000]];

describe('the CUDA loader', () => {
  it('loads the addon or says why not', () => {
    if (load.cuda === null) {
      expect(load.reason).toMatch(/CUDA addon/);
    } else {
      expect(typeof load.cuda.cudaAvailable()).toBe('boolean');
      expect(typeof load.cuda.cudaUnavailableReason()).toBe('string');
      if (!load.cuda.cudaAvailable()) expect(() => load.cuda!.deviceName()).toThrow(/no usable device/);
    }
  });
});

describe.skipIf(cuda === null)('the CUDA addon validates its arguments (no device needed)', () => {
  const c = cuda!;
  it('rejects wrong types and lengths before touching the device', () => {
    expect(() => c.gemmS8(2, 2, 2, new Int8Array(4) as never, new Int8Array(4), new Int32Array(4))).toThrow(TypeError);
    expect(() => c.gemmS8(2, 2, 2, new Uint8Array(3), new Int8Array(4), new Int32Array(4))).toThrow(/^a has 3 elements/);
    expect(() => c.gemmS8(2, 2, 2, new Uint8Array(4), new Int8Array(4), new Uint8Array(4) as never)).toThrow(TypeError);
    expect(() => c.gemmS8(2, 2, 70000, new Uint8Array(4), new Int8Array(4), new Int32Array(4))).toThrow(RangeError);
    expect(() => c.gemmS8(1, 1, 1, new Uint8Array(1), new Int8Array(1), new Float32Array(1), { zeroPointA: 256 }))
      .toThrow(RangeError);
    expect(() => c.bgemm(1, 1, 65, new Uint32Array(2), new Uint32Array(4), new Int32Array(1))).toThrow(/^a has 2 elements/);
    expect(() => c.bgemm(1, 2, 1, new Uint32Array(2), new Uint32Array(4), new Float32Array(2),
      { scale: new Float32Array(3) })).toThrow(RangeError);
    const x = new Float32Array(4), y = new Float32Array(4);
    expect(() => c.spmm(2, 2, 2, x, new Int32Array([0, 1, 2]), new Int32Array([0, 2]), new Float32Array(2), y))
      .toThrow(/colIndices\[1\] is 2/);
    expect(() => c.spmm(2, 2, 2, x, new Int32Array([0, 2, 1]), new Int32Array([0, 1]), new Float32Array(2), y))
      .toThrow(/non-decreasing/);
    expect(() => c.spmm(2, 2, 2, x, new Int32Array([0, 1, 2]), new Int32Array([0, 1]), new Float32Array(3), y))
      .toThrow(/^values has 3 elements/);
  });
  it.skipIf(device)('turns "no device" into a clear Error', () => {
    expect(() => c.bgemm(1, 1, 1, new Uint32Array(2), new Uint32Array(2), new Int32Array(1)))
      .toThrow(/lite CUDA: no usable device/);
  });
});

(device ? describe : describe.skip)(`CUDA kernels match the CPU${device ? '' : ` (skipped: ${skipReason})`}`, () => {
  const c = cuda!;
  it('gemmS8 (dp4a): int32 exactly, float32 with scales, bias, relu', () => {
    const r = rng(1);
    for (const [m, n, k] of shapes) {
      const a = Uint8Array.from({ length: m * k }, () => Math.floor(r() * 256));
      const b = Int8Array.from({ length: k * n }, () => Math.floor(r() * 256) - 128);
      const packed = native.packS8(k, n, b);
      for (const zeroPointA of [0, 131]) {
        const want = new Int32Array(m * n), got = new Int32Array(m * n);
        native.gemmS8(m, n, k, a, packed, want, { zeroPointA });
        c.gemmS8(m, n, k, a, b, got, { zeroPointA });
        expect(got).toEqual(want);
      }
      const scaleB = Float32Array.from({ length: n }, () => 0.001 + r() * 0.01);
      const bias = Float32Array.from({ length: n }, () => r() - 0.5);
      const opts = { zeroPointA: 7, scaleA: 0.02, scaleB, bias, activation: 'relu' as const };
      const want = new Float32Array(m * n), got = new Float32Array(m * n);
      native.gemmS8(m, n, k, a, packed, want, opts);
      c.gemmS8(m, n, k, a, b, got, opts);
      expectClose(got, want, 1e-6, 1e-6);
    }
  });

  it('bgemm (__popcll): int32 exactly, float32 with scale and bias', () => {
    const r = rng(2);
    for (const [m, n, k] of shapes) {
      const words = 2 * Math.ceil(k / 64);
      const av = Float32Array.from({ length: m * k }, () => (r() < 0.5 ? -1 : 1));
      const bv = Float32Array.from({ length: n * k }, () => (r() < 0.5 ? -1 : 1));
      const a = new Uint32Array(m * words), b = new Uint32Array(n * words);
      native.packBits(av, m, k, a);
      native.packBits(bv, n, k, b);
      const want = new Int32Array(m * n), got = new Int32Array(m * n);
      native.bgemm(m, n, k, a, b, want);
      c.bgemm(m, n, k, a, b, got);
      expect(got).toEqual(want);
      // And the ±1 dot product itself.
      let dot = 0;
      for (let p = 0; p < k; ++p) dot += av[p] * bv[(n - 1) * k + p];
      expect(got[n - 1]).toBe(dot);
      const scale = Float32Array.from({ length: n }, () => r() * 0.1), bias = Float32Array.from({ length: n }, () => r());
      const fw = new Float32Array(m * n), fg = new Float32Array(m * n);
      native.bgemm(m, n, k, a, b, fw, { scale, bias });
      c.bgemm(m, n, k, a, b, fg, { scale, bias });
      expectClose(fg, fw, 1e-6, 1e-6);
    }
  });

  it('spmm (CSR weights): float32 within tolerance, with bias and relu6', () => {
    const r = rng(3);
    for (const [m, n, k] of shapes) {
      const w = Float32Array.from({ length: k * n }, () => (r() < 0.8 ? 0 : r() * 2 - 1));
      const x = Float32Array.from({ length: m * k }, () => r() * 2 - 1);
      const rowPtr = new Int32Array(k + 1), cols: number[] = [], vals: number[] = [];
      for (let p = 0; p < k; ++p) {
        for (let j = 0; j < n; ++j) if (w[p * n + j] !== 0) (cols.push(j), vals.push(w[p * n + j]));
        rowPtr[p + 1] = cols.length;
      }
      const bias = Float32Array.from({ length: n }, () => r() - 0.5);
      const want = new Float32Array(m * n), got = new Float32Array(m * n);
      native.spmm(m, n, k, x, native.packSparse(k, n, w), want, { bias, activation: 'relu6' });
      c.spmm(m, n, k, x, rowPtr, Int32Array.from(cols), Float32Array.from(vals), got, { bias, activation: 'relu6' });
      expectClose(got, want, 1e-4, 1e-4);
    }
  });
});

// The CMake switch, configure only (no compile): CUDACXX pointing nowhere
// stands in for a machine without nvcc.
const cmake = spawnSync('cmake', ['--version'], { encoding: 'utf8' });
if (cmake.status !== 0) console.warn('[cuda.test] LITE_CUDA configure tests SKIPPED: cmake is not on PATH');
describe.skipIf(cmake.status !== 0)('LITE_CUDA at configure time', () => {
  function configure(mode: string): { status: number | null; output: string } {
    const dir = mkdtempSync(join(tmpdir(), 'lite-cuda-configure-'));
    try {
      const res = spawnSync('cmake', ['-S', join(here, '..'), '-B', dir], {
        encoding: 'utf8',
        env: { ...process.env, LITE_CUDA: mode, CUDACXX: '/nonexistent/nvcc' },
      });
      return { status: res.status, output: `${res.stdout}\n${res.stderr}` };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  it('without nvcc: auto and off skip with one status line, on fails clearly', () => {
    const auto = configure('auto');
    expect(auto.status).toBe(0);
    expect(auto.output).toMatch(/lite: CUDA addon skipped \(no nvcc found; LITE_CUDA=auto\)/);
    const off = configure('off');
    expect(off.status).toBe(0);
    expect(off.output).toMatch(/lite: CUDA addon skipped \(LITE_CUDA=off\)/);
    const on = configure('on');
    expect(on.status).not.toBe(0);
    expect(on.output).toMatch(/LITE_CUDA=on but CMake found no CUDA compiler/);
    const bad = configure('maybe');
    expect(bad.status).not.toBe(0);
    expect(bad.output).toMatch(/LITE_CUDA must be auto, on or off/);
  }, 60_000);
});
