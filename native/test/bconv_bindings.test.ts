// The binary bindings (packBits, bconv2d, bgemm, tgemm) reject every bad argument
// with a TypeError or RangeError naming it, and never crash Node: wrong types,
// lengths, misaligned or dirty packed bits, options that do not fit out's type.
import { describe, expect, it } from 'vitest';
import native from '../index.js';
import type { ConvShape } from '../index.js';
import { throwsError as rejects } from './reject.js';

const shape: ConvShape = {
  batch: 1, inH: 4, inW: 4, inC: 3, outH: 4, outW: 4, outC: 5, filterH: 3, filterW: 3,
  strideH: 1, strideW: 1, dilationH: 1, dilationW: 1, padTop: 1, padLeft: 1,
};
const x = new Uint32Array(16 * 2), w = new Uint32Array(5 * 9 * 2);

describe('packBits rejects bad arguments', () => {
  const f = new Float32Array(6), out = new Uint32Array(4);
  it('types, counts, options', () => {
    expect(() => native.packBits(f, 2, 3, out)).not.toThrow();
    rejects(() => native.packBits([1, 2] as never, 2, 3, out), TypeError, /^x must be a Float32Array or an Int8Array/);
    rejects(() => native.packBits(new Float32Array(5), 2, 3, out), RangeError, /^x has 5 elements but rows·channels is 6/);
    rejects(() => native.packBits(f, 2, 3, new Uint32Array(3)), RangeError, /^out has 3 elements/);
    rejects(() => native.packBits(f, 2, 3, new Int32Array(4) as never), TypeError, /^out must be a Uint32Array/);
    rejects(() => native.packBits(f, 2, 0, out), RangeError, /^channels must be between 1/);
    rejects(() => native.packBits(f, 1.5, 3, out), TypeError, /^rows must be an integer/);
    rejects(() => native.packBits(f, 2, 3, out, { wordBits: 48 as never }), RangeError, /^options\.wordBits must be 32 or 64/);
    rejects(() => native.packBits(f, 2, 3, out, { plane: 'x' as never }), RangeError, /^options\.plane must be 'sign' or 'nonzero'/);
    rejects(() => native.packBits(f, 2, 3), TypeError, /expected 4 arguments/);
    const shared = new Float32Array(16);
    rejects(() => native.packBits(shared.subarray(0, 6), 2, 3, new Uint32Array(shared.buffer, 16, 4)), RangeError, /^out must not share memory with x/);
  });
});

describe('bconv2d rejects bad arguments', () => {
  it('packed inputs: types, lengths, alignment, bits past the channels', () => {
    expect(() => native.bconv2d(x, w, new Int32Array(80), shape)).not.toThrow();
    rejects(() => native.bconv2d(new Float32Array(32) as never, w, new Int32Array(80), shape), TypeError, /^x must be a Uint32Array of packed bits/);
    rejects(() => native.bconv2d(new Uint32Array(31), w, new Int32Array(80), shape), RangeError, /^x has 31 elements but batch·inH·inW·2·ceil\(inC\/64\) is 32/);
    rejects(() => native.bconv2d(x, new Uint32Array(89), new Int32Array(80), shape), RangeError, /^filter has 89 elements/);
    const odd = new Uint32Array(33).subarray(1);
    rejects(() => native.bconv2d(odd, w, new Int32Array(80), shape), RangeError, /^x must start at a multiple of 8 bytes/);
    const dirty = x.slice();
    dirty[4] = 1 << 3;
    rejects(() => native.bconv2d(dirty, w, new Int32Array(80), shape), RangeError, /^x row 2 has bits set past its 3 channels/);
  });
  it('shape, out and options', () => {
    rejects(() => native.bconv2d(x, w, new Int32Array(80), { ...shape, outH: 9 }), RangeError, /^shape\.outH/);
    rejects(() => native.bconv2d(x, w, new Float64Array(80) as never, shape), TypeError, /^out must be an Int32Array, Float32Array, Int8Array or Uint32Array/);
    rejects(() => native.bconv2d(x, w, new Int32Array(79), shape), RangeError, /^out has 79 elements but batch·outH·outW·outC is 80/);
    rejects(() => native.bconv2d(x, w, new Uint32Array(16), shape), RangeError, /^out has 16 elements but batch·outH·outW·2·ceil\(outC\/64\) is 32/);
    rejects(() => native.bconv2d(x, w, new Int32Array(80), shape, { scale: 2 }), RangeError, /^options\.scale does not apply to an Int32Array out/);
    rejects(() => native.bconv2d(x, w, new Uint32Array(32), shape), TypeError, /^options\.thresholds is missing/);
    rejects(() => native.bconv2d(x, w, new Uint32Array(32), shape, { thresholds: new Int32Array(4) }), RangeError, /^options\.thresholds has 4 elements/);
    rejects(() => native.bconv2d(x, w, new Uint32Array(32), shape, { thresholds: new Int32Array(5), flip: [1] as never }), TypeError, /^options\.flip must be a Uint8Array/);
    rejects(() => native.bconv2d(x, w, new Uint32Array(32), shape, { thresholds: new Int32Array(5), scale: 1 }), RangeError, /^options\.scale does not apply to a Uint32Array out/);
    rejects(() => native.bconv2d(x, w, new Float32Array(80), shape, { thresholds: new Int32Array(5) }), RangeError, /^options\.thresholds applies only to a Uint32Array out/);
    rejects(() => native.bconv2d(x, w, new Float32Array(80), shape, { scale: Number.NaN }), RangeError, /^options\.scale must be a finite float32/);
    rejects(() => native.bconv2d(x, w, new Float32Array(80), shape, { scale: new Float32Array(4) }), RangeError, /^options\.scale has 4 elements/);
    rejects(() => native.bconv2d(x, w, new Float32Array(80), shape, { bias: new Float32Array([1, 2, 3, 4, Infinity]) }), RangeError, /^options\.bias\[4\] must be a finite float32/);
    rejects(() => native.bconv2d(x, w, new Float32Array(80), shape, { activation: 'gelu' as never }), RangeError, /^options\.activation/);
    rejects(() => native.bconv2d(x, w, new Float32Array(80), shape, { xNonzero: x }), TypeError, /^options\.xNonzero needs options\.filterNonzero/);
    rejects(() => native.bconv2d(x, w, new Float32Array(80), shape, { filterNonzero: new Uint32Array(3) }), RangeError, /^options\.filterNonzero has 3 elements/);
    const big = { ...shape, inC: 2 ** 21, filterH: 3, filterW: 3 };
    rejects(() => native.bconv2d(x, w, new Int32Array(80), big), RangeError, /^filterH·filterW·inC must be at most 2\^24/);
    const buf = new Uint32Array(32 + 80);
    rejects(() => native.bconv2d(buf.subarray(0, 32), w, new Int32Array(buf.buffer, 64, 80), shape), RangeError, /^out must not share memory with an input/);
  });
});

describe('bgemm and tgemm reject bad arguments', () => {
  const a = new Uint32Array(3 * 2), b = new Uint32Array(4 * 2);
  it('bgemm', () => {
    expect(() => native.bgemm(3, 4, 10, a, b, new Int32Array(12))).not.toThrow();
    rejects(() => native.bgemm(0, 4, 10, a, b, new Int32Array(12)), RangeError, /^m must be between 1/);
    rejects(() => native.bgemm(3, 4, 2 ** 25, a, b, new Int32Array(12)), RangeError, /^k must be at most 2\^24/);
    rejects(() => native.bgemm(3, 4, 10, b, b, new Int32Array(12)), RangeError, /^a has 8 elements but m·2·ceil\(k\/64\) is 6/);
    rejects(() => native.bgemm(3, 4, 10, a, a, new Int32Array(12)), RangeError, /^b has 6 elements/);
    rejects(() => native.bgemm(3, 4, 10, a, b, new Int32Array(11)), RangeError, /^out has 11 elements but m·outC is 12/);
    rejects(() => native.bgemm(3, 4, 10, a, b), TypeError, /expected 6 arguments/);
  });
  it('tgemm', () => {
    expect(() => native.tgemm(3, 4, 10, a, null, b, b, new Float32Array(12), { scale: 0.5 })).not.toThrow();
    expect(() => native.tgemm(3, 4, 10, a, a, b, b, new Int32Array(12))).not.toThrow();
    rejects(() => native.tgemm(3, 4, 10, a, null, b, a, new Int32Array(12)), RangeError, /^bNonzero has 6 elements/);
    rejects(() => native.tgemm(3, 4, 10, a, b, b, b, new Int32Array(12)), RangeError, /^aNonzero has 8 elements/);
    rejects(() => native.tgemm(3, 4, 10, a, 'x' as never, b, b, new Int32Array(12)), TypeError, /^aNonzero must be a Uint32Array/);
    rejects(() => native.tgemm(3, 4, 10, a, null, b, b), TypeError, /expected 8 arguments/);
  });
});
