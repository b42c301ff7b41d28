// Every binding rejects bad arguments with a TypeError or RangeError that names
// the argument, and never crashes Node: wrong types, wrong lengths, non-integers,
// negatives, missing fields, absurd pads and shapes whose sizes overflow.
import { describe, expect, it } from 'vitest';
import native from '../index.js';
import type { ConvShape, PoolShape } from '../index.js';
import { type Call, rejects, replace, tooFewArgs } from './reject.js';

const f32 = (n: number) => new Float32Array(n);
const withField = <T extends object>(shape: T, key: string, value: unknown) => ({ ...shape, [key]: value });
const withoutField = <T extends object>(shape: T, key: string) => Object.fromEntries(Object.entries(shape).filter(([k]) => k !== key));

/** Bad values for an integer shape field whose minimum is `min`. */
function badIntegers(shape: object, key: string, min: number, shapeIndex: number, args: unknown[], call: Call): void {
  const at = (v: unknown) => replace(args, shapeIndex, withField(shape, key, v));
  const name = new RegExp(`shape\\.${key}`);
  rejects(call, replace(args, shapeIndex, withoutField(shape, key)), TypeError, new RegExp(`shape\\.${key} is missing`));
  rejects(call, at('3'), TypeError, name);
  rejects(call, at(null), TypeError, name);
  rejects(call, at(1.5), TypeError, name);
  rejects(call, at(Number.NaN), TypeError, name);
  rejects(call, at(min - 1), RangeError, name);
  rejects(call, at(-7), RangeError, name);
  rejects(call, at(2 ** 41), RangeError, name);
}

/** Every array argument: wrong type, then wrong length (one element short and long). */
function badArrays(call: Call, args: unknown[], arrays: Array<[number, string]>): void {
  for (const [index, name] of arrays) {
    const re = new RegExp(`^${name}\\b`);
    const good = args[index] as Float32Array;
    rejects(call, replace(args, index, new Float64Array(good.length)), TypeError, re);
    rejects(call, replace(args, index, Array.from(good)), TypeError, re);
    rejects(call, replace(args, index, undefined), TypeError, re);
    rejects(call, replace(args, index, f32(good.length - 1)), RangeError, re);
    rejects(call, replace(args, index, f32(good.length + 1)), RangeError, re);
  }
}

function badShapeObject(call: Call, args: unknown[], shapeIndex: number): void {
  for (const v of [undefined, null, 3, 'shape', [1, 2, 3], f32(3)]) rejects(call, replace(args, shapeIndex, v), TypeError, /shape/);
}


// ---------------------------------------------------------------- conv

const convShape: ConvShape = {
  batch: 2, inH: 5, inW: 6, inC: 3, outH: 3, outW: 4, outC: 4, filterH: 3, filterW: 3,
  strideH: 1, strideW: 1, dilationH: 1, dilationW: 1, padTop: 0, padLeft: 0,
};
const convSizes = (s: ConvShape, depthwise: boolean) => ({
  x: s.batch * s.inH * s.inW * s.inC,
  w: s.filterH * s.filterW * (depthwise ? s.outC : s.inC * s.outC),
  y: s.batch * s.outH * s.outW * s.outC,
});
const CONV_FIELDS = ['batch', 'inH', 'inW', 'inC', 'outH', 'outW', 'outC', 'filterH', 'filterW', 'strideH', 'strideW', 'dilationH', 'dilationW'];

interface ConvBinding {
  name: string;
  depthwise: boolean;
  call: Call;
  args: (s: ConvShape) => unknown[];
  shapeIndex: number;
  arrays: Array<[number, string]>;
}

const convBindings: ConvBinding[] = [false, true].flatMap((depthwise) => {
  const fwd = depthwise ? native.depthwiseConv2d : native.conv2d;
  const bin = depthwise ? native.depthwiseConv2dBackpropInput : native.conv2dBackpropInput;
  const bfl = depthwise ? native.depthwiseConv2dBackpropFilter : native.conv2dBackpropFilter;
  const prefix = depthwise ? 'depthwiseConv2d' : 'conv2d';
  return [
    {
      name: prefix, depthwise, shapeIndex: 4, arrays: [[0, 'x'], [1, 'filter'], [3, 'y']],
      call: (a: unknown[]) => (fwd as (...args: unknown[]) => void)(...a),
      args: (s: ConvShape) => { const n = convSizes(s, depthwise); return [f32(n.x), f32(n.w), f32(s.outC), f32(n.y), s, 'relu']; },
    },
    {
      name: `${prefix}BackpropInput`, depthwise, shapeIndex: 3, arrays: [[0, 'dy'], [1, 'filter'], [2, 'dx']],
      call: (a: unknown[]) => (bin as (...args: unknown[]) => void)(...a),
      args: (s: ConvShape) => { const n = convSizes(s, depthwise); return [f32(n.y), f32(n.w), f32(n.x), s]; },
    },
    {
      name: `${prefix}BackpropFilter`, depthwise, shapeIndex: 3, arrays: [[0, 'x'], [1, 'dy'], [2, 'dw']],
      call: (a: unknown[]) => (bfl as (...args: unknown[]) => void)(...a),
      args: (s: ConvShape) => { const n = convSizes(s, depthwise); return [f32(n.x), f32(n.y), f32(n.w), s]; },
    },
  ];
});

describe('conv bindings reject bad arguments', () => {
  for (const b of convBindings) {
    const shape = b.depthwise ? { ...convShape, outC: 6 } : convShape;
    describe(b.name, () => {
      it('accepts a valid call', () => {
        expect(() => b.call(b.args(shape))).not.toThrow();
      });

      it('wrong argument count, array types and lengths, shape object', () => {
        const args = b.args(shape);
        tooFewArgs(b.call, args, b.shapeIndex + 1);
        badArrays(b.call, args, b.arrays);
        badShapeObject(b.call, args, b.shapeIndex);
      });

      it('every shape field: missing, not a number, non-integer, NaN, below its minimum, negative, huge', () => {
        const args = b.args(shape);
        for (const key of CONV_FIELDS) badIntegers(shape, key, 1, b.shapeIndex, args, b.call);
        for (const key of ['padTop', 'padLeft']) badIntegers(shape, key, 0, b.shapeIndex, args, b.call);
      });

      it('absurd pads and output sizes', () => {
        const args = b.args(shape);
        const at = (patch: Partial<ConvShape>) => replace(args, b.shapeIndex, { ...shape, ...patch });
        rejects(b.call, at({ padTop: 3 }), RangeError, /shape\.padTop \(3\) must be less than the effective filter height \(3\)/);
        rejects(b.call, at({ padLeft: 5, dilationW: 2 }), RangeError, /shape\.padLeft \(5\) must be less than the effective filter width \(5\)/);
        rejects(b.call, at({ outH: 6 }), RangeError, /shape\.outH/);
        rejects(b.call, at({ outW: 4, strideW: 2 }), RangeError, /shape\.outW/);
        // Large but valid-per-field values whose products overflow.
        rejects(b.call, at({ batch: 2 ** 20, inH: 2 ** 20, inW: 2 ** 20, outH: 2 ** 20, outW: 2 ** 20 }), RangeError, /too large/);
        rejects(b.call, at({ filterH: 2 ** 30, dilationH: 2 ** 30, padTop: 0 }), RangeError, /too large/);
        rejects(b.call, at({ outH: 2 ** 39, strideH: 2 ** 10 }), RangeError, /too large/);
        if (b.depthwise) rejects(b.call, at({ outC: 4 }), RangeError, /shape\.outC \(4\) must be a multiple of shape\.inC \(3\)/);
      });

      if (b.shapeIndex === 4) {
        it('bias and activation', () => {
          const args = b.args(shape);
          expect(() => b.call(replace(args, 2, null))).not.toThrow();
          expect(() => b.call(replace(args, 2, undefined))).not.toThrow();
          expect(() => b.call(args.slice(0, 5))).not.toThrow();
          rejects(b.call, replace(args, 2, f32(1)), RangeError, /^bias/);
          rejects(b.call, replace(args, 2, f32(0)), RangeError, /^bias/);
          rejects(b.call, replace(args, 2, new Float64Array(shape.outC)), TypeError, /^bias/);
          rejects(b.call, replace(args, 2, [0, 0, 0, 0]), TypeError, /^bias/);
          rejects(b.call, replace(args, 5, 'tanh'), RangeError, /^activation/);
          rejects(b.call, replace(args, 5, 1), TypeError, /^activation/);
        });
      }
    });
  }
});

// ---------------------------------------------------------------- pooling

const poolShape: PoolShape = {
  batch: 2, inH: 5, inW: 6, channels: 3, outH: 3, outW: 3, filterH: 2, filterW: 2, strideH: 2, strideW: 2, padTop: 0, padLeft: 0,
};
const POOL_FIELDS = ['batch', 'inH', 'inW', 'channels', 'outH', 'outW', 'filterH', 'filterW', 'strideH', 'strideW'];
const px = poolShape.batch * poolShape.inH * poolShape.inW * poolShape.channels;
const py = poolShape.batch * poolShape.outH * poolShape.outW * poolShape.channels;

const poolBindings: Array<{ name: string; call: Call; args: unknown[]; shapeIndex: number; arrays: Array<[number, string]> }> = [
  { name: 'maxPool', call: (a) => (native.maxPool as (...args: unknown[]) => void)(...a), args: [f32(px), f32(py), poolShape], shapeIndex: 2, arrays: [[0, 'x'], [1, 'y']] },
  { name: 'avgPool', call: (a) => (native.avgPool as (...args: unknown[]) => void)(...a), args: [f32(px), f32(py), poolShape], shapeIndex: 2, arrays: [[0, 'x'], [1, 'y']] },
  {
    name: 'maxPoolBackprop', call: (a) => (native.maxPoolBackprop as (...args: unknown[]) => void)(...a),
    args: [f32(py), f32(px), f32(px), poolShape], shapeIndex: 3, arrays: [[0, 'dy'], [1, 'x'], [2, 'dx']],
  },
  {
    name: 'avgPoolBackprop', call: (a) => (native.avgPoolBackprop as (...args: unknown[]) => void)(...a),
    args: [f32(py), f32(px), poolShape], shapeIndex: 2, arrays: [[0, 'dy'], [1, 'dx']],
  },
];

describe('pooling bindings reject bad arguments', () => {
  for (const b of poolBindings) {
    describe(b.name, () => {
      it('accepts a valid call', () => {
        expect(() => b.call(b.args)).not.toThrow();
      });

      it('wrong argument count, array types and lengths, shape object', () => {
        tooFewArgs(b.call, b.args);
        badArrays(b.call, b.args, b.arrays);
        badShapeObject(b.call, b.args, b.shapeIndex);
      });

      it('every shape field: missing, not a number, non-integer, NaN, below its minimum, negative, huge', () => {
        for (const key of POOL_FIELDS) badIntegers(poolShape, key, 1, b.shapeIndex, b.args, b.call);
        for (const key of ['padTop', 'padLeft']) badIntegers(poolShape, key, 0, b.shapeIndex, b.args, b.call);
      });

      it('absurd pads and output sizes, overflowing products', () => {
        const at = (patch: Partial<PoolShape>) => replace(b.args, b.shapeIndex, { ...poolShape, ...patch });
        rejects(b.call, at({ padTop: 2 }), RangeError, /shape\.padTop \(2\) must be less than shape\.filterH \(2\)/);
        rejects(b.call, at({ padLeft: 2 }), RangeError, /shape\.padLeft/);
        rejects(b.call, at({ outH: 4 }), RangeError, /shape\.outH/);
        rejects(b.call, at({ outW: 5 }), RangeError, /shape\.outW/);
        rejects(b.call, at({ batch: 2 ** 20, inH: 2 ** 20, inW: 2 ** 20, outH: 2 ** 20, outW: 2 ** 20 }), RangeError, /too large/);
        rejects(b.call, at({ outH: 2 ** 39, strideH: 2 ** 10 }), RangeError, /too large/);
      });
    });
  }
});

// ---------------------------------------------------------------- gemm

describe('gemm rejects bad arguments', () => {
  const call: Call = (a) => (native.gemm as (...args: unknown[]) => void)(...a);
  const args = [3, 4, 5, f32(15), f32(20), f32(12)];

  it('accepts a valid call', () => {
    expect(() => call(args)).not.toThrow();
    expect(() => call([...args, { transA: true, transB: true, bias: f32(4), activation: 'relu6' }])).not.toThrow();
  });

  it('sizes, arrays and options', () => {
    tooFewArgs(call, args);
    badArrays(call, args, [[3, 'a'], [4, 'b'], [5, 'c']]);
    for (const [index, name] of [[0, 'm'], [1, 'n'], [2, 'k']] as const) {
      rejects(call, replace(args, index, '3'), TypeError, new RegExp(`^${name}`));
      rejects(call, replace(args, index, 2.5), TypeError, new RegExp(`^${name}`));
      rejects(call, replace(args, index, -1), RangeError, new RegExp(`^${name}`));
      rejects(call, replace(args, index, 2 ** 41), RangeError, new RegExp(`^${name}`));
    }
    rejects(call, [2 ** 30, 2 ** 30, 2 ** 30, f32(1), f32(1), f32(1)], RangeError, /too large/);
    rejects(call, [...args, 'fast'], TypeError, /^options/);
    rejects(call, [...args, { transA: 1 }], TypeError, /options\.transA/);
    rejects(call, [...args, { bias: f32(3) }], RangeError, /options\.bias/);
    rejects(call, [...args, { bias: [1, 2, 3, 4] }], TypeError, /options\.bias/);
    rejects(call, [...args, { activation: 'gelu' }], RangeError, /options\.activation/);
    rejects(call, [...args, { accumulate: true, activation: 'relu' }], RangeError, /accumulate/);
  });
});

describe('elementwise bindings reject bad arguments', () => {
  const binary: Call = (a) => (native.binary as (...args: unknown[]) => void)(...a);
  const relu: Call = (a) => (native.relu as (...args: unknown[]) => void)(...a);
  const step: Call = (a) => (native.step as (...args: unknown[]) => void)(...a);
  const sum: Call = (a) => (native.sum as (...args: unknown[]) => void)(...a);

  it('accepts valid calls', () => {
    expect(() => binary(['add', f32(12), f32(4), f32(12)])).not.toThrow();
    expect(() => binary(['rsub', f32(12), f32(1), f32(12)])).not.toThrow();
    expect(() => binary(['mul', f32(0), f32(1), f32(0)])).not.toThrow();
    expect(() => relu([f32(5), f32(5)])).not.toThrow();
    expect(() => step([f32(5), f32(5), 0.5])).not.toThrow();
    expect(() => sum([f32(12), f32(4), 3, 4, 0])).not.toThrow();
    expect(() => sum([f32(0), f32(0), 0, 0, 1])).not.toThrow();
  });

  it('binary: op, arrays, and a b that does not divide a', () => {
    const args = ['add', f32(12), f32(4), f32(12)];
    tooFewArgs(binary, args);
    badArrays(binary, args, [[3, 'out']]);
    rejects(binary, replace(args, 2, [1, 2, 3, 4]), TypeError, /^b\b/);
    rejects(binary, replace(args, 1, Array.from(f32(12))), TypeError, /^a\b/);
    rejects(binary, replace(args, 1, new Float64Array(12)), TypeError, /^a\b/);
    rejects(binary, replace(args, 0, 'div'), RangeError, /^op/);
    rejects(binary, replace(args, 0, 1), TypeError, /^op/);
    rejects(binary, replace(args, 2, f32(5)), RangeError, /does not divide/);
    rejects(binary, replace(args, 2, f32(24)), RangeError, /does not divide/);
    rejects(binary, replace(args, 2, f32(0)), RangeError, /^b must not be empty/);
    rejects(binary, replace(args, 3, f32(11)), RangeError, /^out/);
  });

  it('relu and step: arrays, lengths, alpha', () => {
    tooFewArgs(relu, [f32(5), f32(5)]);
    badArrays(relu, [f32(5), f32(5)], [[1, 'out']]);
    rejects(relu, [new Int32Array(5), f32(5)], TypeError, /^x\b/);
    rejects(relu, [f32(5), f32(4)], RangeError, /^out/);
    tooFewArgs(step, [f32(5), f32(5), 0]);
    badArrays(step, [f32(5), f32(5), 0], [[1, 'out']]);
    rejects(step, [[1, 2], f32(2), 0], TypeError, /^x\b/);
    rejects(step, [f32(5), f32(6), 0], RangeError, /^out/);
    rejects(step, [f32(5), f32(5), '0'], TypeError, /^alpha/);
  });

  it('sum: sizes, axis, lengths, overflow', () => {
    const args = [f32(12), f32(4), 3, 4, 0];
    tooFewArgs(sum, args);
    badArrays(sum, args, [[0, 'x'], [1, 'out']]);
    rejects(sum, replace(args, 2, -1), RangeError, /^rows/);
    rejects(sum, replace(args, 3, 1.5), TypeError, /^cols/);
    rejects(sum, replace(args, 3, NaN), TypeError, /^cols/);
    rejects(sum, replace(args, 3, Infinity), TypeError, /^cols/);
    rejects(sum, replace(args, 4, 2), RangeError, /^axis/);
    rejects(sum, replace(args, 1, f32(3)), RangeError, /^out/);
    rejects(sum, [f32(12), f32(4), 3, 4, 1], RangeError, /^out/);
    rejects(sum, [f32(12), f32(4), 4, 4, 0], RangeError, /^x/);
    rejects(sum, [f32(1), f32(1), 2 ** 30, 2 ** 30, 0], RangeError, /too large/);
  });
});
