// The binary and ternary kernels against their TypeScript reference, exactly:
// packBits (both planes, 32- and 64-bit words, float32 and int8), binary conv
// on every small geometry (filters 1–3, strides 1–2, dilation 2, same and valid
// padding) with odd channel counts, the output transforms (int32, float32 with
// scale/bias/activations, int8, packed bits by per-channel thresholds), ternary
// weights and activations, bgemm and tgemm; and binary conv equal to the fp32
// conv kernel on ±1 data, including the threaded sizes. The test script runs
// this file once per instruction-set path (LITE_ISA).
import { describe, expect, it } from 'vitest';
import { Failures, guardedOutput, rng } from '../testing/kernel_checks.js';
import { kernels, reference } from './index.js';
import type { Activation, BconvOptions, ConvShape } from './index.js';
import { packedRowWords } from './reference/bconv.js';

const CHANNELS = [1, 3, 31, 33, 63, 65, 127];
type Out = Int32Array | Float32Array | Int8Array | Uint32Array;
type OutKind = 'int32' | 'float32' | 'int8' | 'bits';
const MAKE: Record<OutKind, new (n: number) => Out> = { int32: Int32Array, float32: Float32Array, int8: Int8Array, bits: Uint32Array };

/** ±1 values (or −1/0/+1 when ternary), as float32. */
const signs = (n: number, rand: () => number, ternary = false): Float32Array =>
  Float32Array.from({ length: n }, () => {
    const r = rand();
    return ternary && r < 0.3 ? 0 : r < (ternary ? 0.65 : 0.5) ? -1 : 1;
  });

/** packBits of rows × channels with the kernels in use, checked against the reference. */
function pack(x: Float32Array, rows: number, channels: number, plane: 'sign' | 'nonzero' = 'sign'): Uint32Array {
  const out = new Uint32Array(rows * packedRowWords(channels)), want = new Uint32Array(out.length);
  kernels.packBits(x, rows, channels, out, { plane });
  reference.packBits(x, rows, channels, want, { plane });
  expect(out).toEqual(want);
  return out;
}

/** SAME (TensorFlow's split: the extra row/column after) or VALID geometry. */
function shapeOf(batch: number, inH: number, inW: number, inC: number, outC: number, f: number, stride: number,
  padding: 'same' | 'valid', dilation = 1): ConvShape {
  const ext = (f - 1) * dilation + 1;
  const out = (n: number) => (padding === 'same' ? Math.ceil(n / stride) : Math.floor((n - ext) / stride) + 1);
  const pad = (n: number) => (padding === 'same' ? Math.floor(Math.max(0, (out(n) - 1) * stride + ext - n) / 2) : 0);
  return {
    batch, inH, inW, inC, outC, outH: out(inH), outW: out(inW), filterH: f, filterW: f, strideH: stride, strideW: stride,
    dilationH: dilation, dilationW: dilation, padTop: pad(inH), padLeft: pad(inW),
  };
}

const outLength = (s: ConvShape, kind: OutKind) =>
  s.batch * s.outH * s.outW * (kind === 'bits' ? packedRowWords(s.outC) : s.outC);

/** Options for an output kind: random per-channel scale/bias/thresholds. */
function optionsFor(kind: OutKind, outC: number, rand: () => number, activation: Activation = 'linear', k = 64): BconvOptions {
  if (kind === 'int32') return {};
  if (kind === 'bits')
    return {
      thresholds: Int32Array.from({ length: outC }, () => Math.round((rand() - 0.5) * k * 0.5)),
      flip: Uint8Array.from({ length: outC }, () => (rand() < 0.3 ? 1 : 0)),
    };
  const scale = kind === 'int8' ? 0.05 + rand() * 0.5 : 0.001 + rand();
  return {
    scale: Float32Array.from({ length: outC }, () => (rand() < 0.2 ? -scale : scale) * (1 + rand())),
    bias: Float32Array.from({ length: outC }, () => (rand() - 0.5) * 8),
    activation,
  };
}

/** Native vs reference bconv2d, exactly, and no writes outside out. '' when they agree. */
function checkConv(label: string, s: ConvShape, x: Uint32Array, w: Uint32Array, kind: OutKind, o: BconvOptions): string {
  const n = outLength(s, kind);
  const sentinel = kind === 'int8' ? 77 : 12345;
  const got = guardedOutput(MAKE[kind] as never, n, sentinel, kind === 'float32' ? Number.NaN : sentinel - 1);
  kernels.bconv2d(x, w, got.view as Out, s, o);
  if (!got.guardsIntact()) return `${label}: wrote outside out`;
  const want = new MAKE[kind](n);
  reference.bconv2d(x, w, want, s, o);
  for (let i = 0; i < n; i++)
    if (!Object.is((got.view as Out)[i], want[i])) return `${label}: out[${i}] native ${(got.view as Out)[i]} vs reference ${want[i]}`;
  return '';
}

describe('packBits', () => {
  it('sign and nonzero planes, float32 (with −0, NaN, ±Infinity) and int8, 64- and 32-bit words, native = reference', () => {
    const rand = rng(1);
    for (const channels of [...CHANNELS, 32, 64, 96, 200])
      for (const rows of [1, 2, 5]) {
        const specials = [0, -0, Number.NaN, Infinity, -Infinity];
        const f = Float32Array.from({ length: rows * channels }, () => (rand() < 0.1 ? specials[Math.floor(rand() * 5)]! : rand() * 2 - 1));
        const i8 = Int8Array.from({ length: rows * channels }, () => (rand() < 0.2 ? 0 : Math.floor(rand() * 256) - 128));
        for (const x of [f, i8])
          for (const wordBits of [64, 32] as const)
            for (const plane of ['sign', 'nonzero'] as const) {
              const words = rows * (wordBits === 64 ? packedRowWords(channels) : Math.ceil(channels / 32));
              const got = new Uint32Array(words).fill(0xdeadbeef), want = new Uint32Array(words);
              kernels.packBits(x, rows, channels, got, { wordBits, plane });
              reference.packBits(x, rows, channels, want, { wordBits, plane });
              expect(got, `${x.constructor.name} ${rows}×${channels} ${wordBits} ${plane}`).toEqual(want);
            }
      }
  });

  it('threaded sizes', () => {
    const rand = rng(2), rows = 3000, channels = 100;
    const x = Float32Array.from({ length: rows * channels }, () => rand() - 0.5);
    pack(x, rows, channels);
  });
});

describe('bconv2d', () => {
  it('binary: every small geometry and odd channel count, int32 out, native = reference', () => {
    const rand = rng(3), failures = new Failures();
    for (const inC of CHANNELS)
      for (const f of [1, 2, 3])
        for (const stride of [1, 2])
          for (const padding of ['same', 'valid'] as const)
            for (const [inH, inW] of [[3, 4], [5, 5], [6, 3]] as const) {
              if (padding === 'valid' && (inH < f || inW < f)) continue;
              const outC = [1, 7, 33][Math.floor(rand() * 3)]!;
              const s = shapeOf(1 + Math.floor(rand() * 2), inH, inW, inC, outC, f, stride, padding);
              const x = pack(signs(s.batch * inH * inW * inC, rand), s.batch * inH * inW, inC);
              const w = pack(signs(outC * f * f * inC, rand), outC * f * f, inC);
              failures.add(checkConv(JSON.stringify(s), s, x, w, 'int32', {}));
            }
    failures.expectNone();
  });

  it('dilation 2, wide outC (several column blocks, ragged last panel)', () => {
    const rand = rng(4), failures = new Failures();
    for (const [inC, outC, dilation] of [[65, 70, 2], [33, 100, 1], [128, 97, 2], [64, 64, 1]] as const)
      for (const padding of ['same', 'valid'] as const) {
        const s = shapeOf(1, 7, 6, inC, outC, 3, 1, padding, dilation);
        const x = pack(signs(7 * 6 * inC, rand), 42, inC), w = pack(signs(outC * 9 * inC, rand), outC * 9, inC);
        failures.add(checkConv(JSON.stringify(s), s, x, w, 'int32', {}));
      }
    failures.expectNone();
  });

  it('outC a multiple of 32 (the fused path): big filters, strides, every output, native = reference', () => {
    const rand = rng(9), failures = new Failures();
    for (const kind of ['int32', 'float32', 'bits'] as const)
      for (const [inH, inW, inC, outC, f, stride] of [[9, 7, 64, 32, 9, 1], [6, 11, 70, 64, 3, 2], [13, 2, 128, 96, 5, 1]] as const)
        for (const padding of ['same', 'valid'] as const) {
          if (padding === 'valid' && (inH < f || inW < f)) continue;
          const s = shapeOf(2, inH, inW, inC, outC, f, stride, padding);
          const x = pack(signs(2 * inH * inW * inC, rand), 2 * inH * inW, inC);
          const w = pack(signs(outC * f * f * inC, rand), outC * f * f, inC);
          failures.add(checkConv(`${kind} ${JSON.stringify(s)}`, s, x, w, kind, optionsFor(kind, outC, rand, 'relu6', f * f * inC)));
        }
    failures.expectNone();
  });

  it('output transforms: float32 (scale, bias, linear/relu/relu6), int8, packed bits by thresholds', () => {
    const rand = rng(5), failures = new Failures();
    for (const kind of ['float32', 'int8', 'bits'] as const)
      for (const activation of ['linear', 'relu', 'relu6'] as const)
        for (const [inC, outC] of [[3, 5], [63, 33], [65, 64], [127, 70], [64, 32], [33, 96]] as const)
          for (const padding of ['same', 'valid'] as const) {
            if (kind === 'bits' && activation !== 'linear') continue;
            const s = shapeOf(2, 5, 4, inC, outC, 3, 1 + Math.floor(rand() * 2), padding);
            const x = pack(signs(2 * 20 * inC, rand), 40, inC), w = pack(signs(outC * 9 * inC, rand), outC * 9, inC);
            const o = optionsFor(kind, outC, rand, activation, 9 * inC);
            failures.add(checkConv(`${kind} ${activation} ${JSON.stringify(s)}`, s, x, w, kind, o));
          }
    // One scale for all channels, no bias.
    const s = shapeOf(1, 4, 4, 33, 9, 3, 1, 'same');
    failures.add(checkConv('scalar scale', s, pack(signs(16 * 33, rand), 16, 33), pack(signs(81 * 33, rand), 81, 33), 'float32', { scale: 0.25 }));
    failures.expectNone();
  });

  it('ternary weights, and ternary weights with ternary activations', () => {
    const rand = rng(6), failures = new Failures();
    for (const inC of CHANNELS)
      for (const ternaryX of [false, true])
        for (const padding of ['same', 'valid'] as const) {
          const outC = 1 + Math.floor(rand() * 40);
          const s = shapeOf(1, 5, 4, inC, outC, 3, 1 + Math.floor(rand() * 2), padding);
          const xv = signs(20 * inC, rand, ternaryX), wv = signs(outC * 9 * inC, rand, true);
          const o: BconvOptions = { filterNonzero: pack(wv, outC * 9, inC, 'nonzero'), ...(ternaryX ? { xNonzero: pack(xv, 20, inC, 'nonzero') } : {}) };
          for (const kind of ['int32', 'float32', 'bits'] as const)
            failures.add(checkConv(`${kind} ternaryX=${ternaryX} ${JSON.stringify(s)}`, s, pack(xv, 20, inC), pack(wv, outC * 9, inC), kind,
              { ...o, ...optionsFor(kind, outC, rand, 'linear', 9 * inC) }));
        }
    failures.expectNone();
  });
});

/** OHWI ±1 filter → HWIO, the fp32 conv kernel's layout. */
function toHwio(w: Float32Array, s: ConvShape): Float32Array {
  const taps = s.filterH * s.filterW, out = new Float32Array(w.length);
  for (let o = 0; o < s.outC; o++)
    for (let t = 0; t < taps; t++)
      for (let c = 0; c < s.inC; c++) out[(t * s.inC + c) * s.outC + o] = w[(o * taps + t) * s.inC + c]!;
  return out;
}

describe('binary conv equals the fp32 conv on ±1 data', () => {
  const cases: [string, ConvShape][] = [];
  for (const inC of CHANNELS)
    for (const stride of [1, 2])
      for (const padding of ['same', 'valid'] as const) cases.push([`${inC} ${stride} ${padding}`, shapeOf(2, 7, 6, inC, 17, 3, stride, padding)]);
  // Large enough for the thread pool, and the benchmark's layer shape.
  cases.push(['28×28×256→256', shapeOf(1, 28, 28, 256, 256, 3, 1, 'same')]);
  cases.push(['56×56×64→64', shapeOf(1, 56, 56, 64, 64, 3, 1, 'same')]);
  cases.push(['5×5 stride 2', shapeOf(1, 15, 13, 65, 40, 5, 2, 'same')]);

  it.each(cases)('%s', (_, s) => {
    const rand = rng(7);
    const xv = signs(s.batch * s.inH * s.inW * s.inC, rand), wv = signs(s.outC * s.filterH * s.filterW * s.inC, rand);
    const want = new Float32Array(s.batch * s.outH * s.outW * s.outC);
    kernels.conv2d(xv, toHwio(wv, s), null, want, s);
    const x = pack(xv, s.batch * s.inH * s.inW, s.inC), w = pack(wv, s.outC * s.filterH * s.filterW, s.inC);
    const got = new Float32Array(want.length), acc = new Int32Array(want.length);
    kernels.bconv2d(x, w, got, s);
    kernels.bconv2d(x, w, acc, s);
    expect(got).toEqual(want);
    expect(Float32Array.from(acc)).toEqual(want);
  });
});

describe('bgemm and tgemm', () => {
  it('bgemm: odd shapes and every output, native = reference', () => {
    const rand = rng(8), failures = new Failures();
    for (const [m, n, k] of [[1, 1, 1], [3, 5, 63], [7, 33, 65], [13, 40, 127], [6, 32, 128], [17, 70, 200]] as const)
      for (const kind of ['int32', 'float32', 'int8', 'bits'] as const) {
        const a = pack(signs(m * k, rand), m, k), b = pack(signs(n * k, rand), n, k);
        const o = optionsFor(kind, n, rand, 'relu', k);
        const got = new MAKE[kind](kind === 'bits' ? m * packedRowWords(n) : m * n), want = new MAKE[kind](got.length);
        kernels.bgemm(m, n, k, a, b, got, o);
        reference.bgemm(m, n, k, a, b, want, o);
        failures.add(got.every((v, i) => Object.is(v, want[i])) ? '' : `bgemm ${m}×${n}×${k} ${kind}`);
      }
    failures.expectNone();
  });

  it('bgemm at a threaded size equals the fp32 GEMM on ±1 data', () => {
    const rand = rng(9), m = 128, n = 256, k = 8192;
    const av = signs(m * k, rand), bv = signs(n * k, rand);
    const want = new Float32Array(m * n), got = new Int32Array(m * n);
    kernels.gemm(m, n, k, av, bv, want, { transB: true });
    kernels.bgemm(m, n, k, pack(av, m, k), pack(bv, n, k), got);
    expect(Float32Array.from(got)).toEqual(want);
  });

  it('tgemm: binary and ternary activations, native = reference', () => {
    const rand = rng(10), failures = new Failures();
    for (const [m, n, k] of [[1, 1, 1], [5, 9, 33], [7, 40, 127], [12, 33, 300]] as const)
      for (const ternaryA of [false, true])
        for (const kind of ['int32', 'float32'] as const) {
          const av = signs(m * k, rand, ternaryA), bv = signs(n * k, rand, true);
          const aNz = ternaryA ? pack(av, m, k, 'nonzero') : null;
          const o = optionsFor(kind, n, rand, 'linear', k);
          const got = new MAKE[kind](m * n), want = new MAKE[kind](m * n);
          const args = [m, n, k, pack(av, m, k), aNz, pack(bv, n, k), pack(bv, n, k, 'nonzero')] as const;
          kernels.tgemm(...args, got, o);
          reference.tgemm(...args, want, o);
          failures.add(got.every((v, i) => Object.is(v, want[i])) ? '' : `tgemm ${m}×${n}×${k} ternaryA=${ternaryA} ${kind}`);
          // The exact sums equal the float dot products.
          if (kind === 'int32')
            for (let i = 0; i < m; i++)
              for (let j = 0; j < n; j++) {
                let dot = 0;
                for (let c = 0; c < k; c++) dot += av[i * k + c]! * bv[j * k + c]!;
                if (dot !== got[i * n + j]) failures.add(`tgemm ${m}×${n}×${k}: [${i},${j}] ${got[i * n + j]} vs dot ${dot}`);
              }
        }
    failures.expectNone();
  });
});
