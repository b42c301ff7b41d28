/**
 * `int8`: affine 8-bit quantization, `value = scale · (q − zeroPoint)`, with one
 * scale and zero point per tensor or per channel ({@link QuantParams}). Stored as
 * two streams: the codes (one signed byte per value, row-major) and the parameters
 * (the float32 scales, little-endian, then — asymmetric only — one signed byte per
 * zero point).
 *
 * Rounding is round-half-to-even (what `cvtps2dq` / `std::nearbyint` do under the
 * default floating-point environment, and what the int8 kernels' reference uses),
 * then clamping to `[qmin, qmax]`: `q = clamp(rne(x / scale) + zeroPoint)`, with
 * `x / scale` in double precision from the float32 value and float32 scale. NaN
 * becomes the zero point (value 0), ±Infinity clamps; both are warned about, as
 * are finite values outside the parameters' range (clipped).
 *
 * Without `params`, `encode` picks symmetric narrow-range parameters from the
 * absolute maximum (scale = absmax / 127, rounded up to float32): per channel on the last axis for tensors of rank ≥ 2 (dense
 * `[in, out]` kernels and HWIO conv filters), per tensor otherwise. @lite/quant
 * chooses other schemes and passes their `params`.
 *
 * This file also holds the affine helpers the `int4` encoding shares.
 */
import type { Int8Tensor, QuantParams } from '../../graph/types.js';
import { checkStreamLengths, checkTensorShape, elementCount, type EncodingCodec, type EncodingWarning } from '../codec.js';
import { failAt } from '../errors.js';
import { describe, expectObject } from '../json_check.js';

/** Smallest scale a quantizer picks (the smallest normal float32), so `x / scale` is always finite. */
export const MIN_QUANT_SCALE = 2 ** -126;

/** Round half to even (banker's rounding) of a finite number. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x); // half up (towards +∞)
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** The smallest float32 value ≥ `x` (for x ≥ 0): scales are rounded up so the range they were chosen for is never clipped. */
export function float32AtLeast(x: number): number {
  const f = Math.fround(x);
  if (f >= x) return f;
  const bits = new Uint32Array(Float32Array.of(f).buffer);
  bits[0] += 1;
  return new Float32Array(bits.buffer)[0];
}

/** The integer range of `bits`-bit codes: `[−(2^(b−1) − 1), 2^(b−1) − 1]` narrow, else `[−2^(b−1), 2^(b−1) − 1]`. */
export function quantRange(bits: number, narrowRange: boolean): { qmin: number; qmax: number } {
  const qmax = 2 ** (bits - 1) - 1;
  return { qmin: narrowRange ? -qmax : -qmax - 1, qmax };
}

/**
 * Number of channels of per-channel parameters on `axis` (the product of
 * `shape[axis..]`), or 1 for per-tensor (`axis === null`).
 */
export function channelCount(shape: readonly number[], axis: number | null): number {
  if (axis === null) return 1;
  let c = 1;
  for (let i = axis; i < shape.length; i++) c *= shape[i];
  return c;
}

/**
 * The default parameters: symmetric, narrow range, scale = absmax / qmax (rounded
 * up to float32, at least {@link MIN_QUANT_SCALE}) over the finite values (1 where
 * they are all 0), per channel on the last axis for rank ≥ 2.
 */
export function defaultQuantParams<B extends 8 | 4>(values: Float32Array, shape: readonly number[], bits: B): QuantParams & { bits: B } {
  const axis = shape.length >= 2 ? shape.length - 1 : null;
  const c = channelCount(shape, axis);
  const absmax = new Float64Array(c);
  for (let i = 0, ch = 0; i < values.length; i++) {
    const a = Math.abs(values[i]);
    if (a > absmax[ch] && a !== Infinity) absmax[ch] = a;
    if (++ch === c) ch = 0;
  }
  const { qmax } = quantRange(bits, true);
  const scale = Array.from(absmax, (m) => (m === 0 ? 1 : Math.max(float32AtLeast(m / qmax), MIN_QUANT_SCALE)));
  return { bits, axis, symmetric: true, narrowRange: true, scale, zeroPoint: new Array<number>(c).fill(0) };
}

/**
 * Checks `params` (an encoder option or an in-memory tensor's) against `shape`;
 * throws a RangeError naming the tensor and the field.
 */
export function checkQuantParams(params: unknown, shape: readonly number[], bits: 8 | 4, what: string): QuantParams {
  const fail = (msg: string): never => {
    throw new RangeError(`${what}: ${msg}`);
  };
  if (params === null || typeof params !== 'object' || Array.isArray(params)) fail(`params must be an object, not ${describe(params)}`);
  const p = params as Record<string, unknown>;
  for (const k of Object.keys(p)) if (!['bits', 'axis', 'symmetric', 'narrowRange', 'scale', 'zeroPoint'].includes(k)) fail(`params.${k} is not a QuantParams field`);
  if (p.bits !== bits) fail(`params.bits must be ${bits}, not ${describe(p.bits)}`);
  const axis = p.axis;
  if (axis !== null && (typeof axis !== 'number' || !Number.isInteger(axis) || axis < 0 || axis >= shape.length)) {
    fail(`params.axis must be null (per tensor) or an axis 0..${shape.length - 1} of shape [${shape.join(', ')}], not ${describe(axis)}`);
  }
  if (typeof p.symmetric !== 'boolean') fail(`params.symmetric must be a boolean, not ${describe(p.symmetric)}`);
  if (typeof p.narrowRange !== 'boolean') fail(`params.narrowRange must be a boolean, not ${describe(p.narrowRange)}`);
  const c = channelCount(shape, axis as number | null);
  const { qmin, qmax } = quantRange(bits, p.narrowRange as boolean);
  if (!Array.isArray(p.scale) || p.scale.length !== c) fail(`params.scale must be an array of ${c} scale(s) (${axis === null ? 'per tensor' : `per channel on axis ${axis}`}), not ${Array.isArray(p.scale) ? `${p.scale.length} values` : describe(p.scale)}`);
  if (!Array.isArray(p.zeroPoint) || p.zeroPoint.length !== c) fail(`params.zeroPoint must be an array of ${c} integer(s), not ${Array.isArray(p.zeroPoint) ? `${p.zeroPoint.length} values` : describe(p.zeroPoint)}`);
  const scale = p.scale as unknown[];
  const zp = p.zeroPoint as unknown[];
  for (let i = 0; i < c; i++) {
    const s = scale[i];
    if (typeof s !== 'number' || !(s > 0) || !Number.isFinite(s) || Math.fround(s) !== s) fail(`params.scale[${i}] must be a positive finite float32 value, not ${describe(s)}`);
    const z = zp[i];
    if (typeof z !== 'number' || !Number.isInteger(z) || z < qmin || z > qmax) fail(`params.zeroPoint[${i}] must be an integer in ${qmin}..${qmax}, not ${describe(z)}`);
    if (p.symmetric && z !== 0) fail(`params.zeroPoint[${i}] is ${z} but symmetric parameters have zero points 0`);
  }
  return params as QuantParams;
}

/**
 * Quantizes `values` with `params` (already checked): codes in `[qmin, qmax]` and
 * warnings about clipped and non-finite values, naming the tensor.
 */
export function quantizeAffine(name: string, encoding: string, values: Float32Array, shape: readonly number[], params: QuantParams): { q: Int8Array; warnings: EncodingWarning[] } {
  const { qmin, qmax } = quantRange(params.bits, params.narrowRange);
  const c = channelCount(shape, params.axis);
  const n = values.length;
  const q = new Int8Array(n);
  let clipped = 0;
  let nonFinite = 0;
  for (let i = 0, ch = 0; i < n; i++) {
    const x = values[i];
    const z = params.zeroPoint[ch];
    let v: number;
    if (Number.isNaN(x)) {
      nonFinite++;
      v = z;
    } else if (!Number.isFinite(x)) {
      nonFinite++;
      v = x > 0 ? qmax : qmin;
    } else {
      v = roundHalfEven(x / params.scale[ch]) + z;
      if (v > qmax) {
        v = qmax;
        clipped++;
      } else if (v < qmin) {
        v = qmin;
        clipped++;
      }
    }
    q[i] = v;
    if (++ch === c) ch = 0;
  }
  const warnings: EncodingWarning[] = [];
  if (clipped > 0) {
    warnings.push({ tensor: name, encoding, kind: 'clipped', count: clipped, message: `${name}: ${clipped} of ${n} values lie outside the quantization range and were clamped to ${qmin}..${qmax}` });
  }
  if (nonFinite > 0) {
    warnings.push({ tensor: name, encoding, kind: 'nonFinite', count: nonFinite, message: `${name}: ${nonFinite} of ${n} values are NaN or ±Infinity (NaN became 0, ±Infinity the range's ends)` });
  }
  return { q, warnings };
}

/** Expands codes (`code(i)` for element i) to float32: `scale · (q − zeroPoint)` per channel. */
export function dequantizeAffine(n: number, code: (i: number) => number, shape: readonly number[], params: QuantParams): Float32Array {
  const c = channelCount(shape, params.axis);
  const out = new Float32Array(n);
  const { scale, zeroPoint } = params;
  for (let i = 0, ch = 0; i < n; i++) {
    out[i] = scale[ch] * (code(i) - zeroPoint[ch]);
    if (++ch === c) ch = 0;
  }
  return out;
}

/** Bytes of the parameter stream: 4 per scale, plus 1 per zero point when asymmetric. */
export function paramsBytes(params: QuantParams): number {
  return params.scale.length * (params.symmetric ? 4 : 5);
}

/** The parameter stream: float32 scales (little-endian), then int8 zero points when asymmetric. */
export function serializeParams(params: QuantParams): Uint8Array {
  const c = params.scale.length;
  const out = new Uint8Array(paramsBytes(params));
  const view = new DataView(out.buffer);
  for (let i = 0; i < c; i++) view.setFloat32(4 * i, params.scale[i], true);
  if (!params.symmetric) for (let i = 0; i < c; i++) view.setInt8(4 * c + i, params.zeroPoint[i]);
  return out;
}

/** The `int8` / `int4` meta: `{ axis: null | int, symmetric: bool, narrowRange: bool }`. */
export interface AffineMeta {
  axis: number | null;
  symmetric: boolean;
  narrowRange: boolean;
}

/** Checks affine meta against `shape` (rank 0 tensors are per tensor). */
export function checkAffineMeta(shape: readonly number[], meta: unknown, path: string): AffineMeta {
  const o = expectObject(meta, path, ['axis', 'symmetric', 'narrowRange']);
  const axis = o.axis;
  if (axis !== null && (typeof axis !== 'number' || !Number.isSafeInteger(axis) || axis < 0 || axis >= shape.length)) {
    failAt(`${path}.axis`, `expected null (per tensor) or an axis 0..${shape.length - 1} of shape [${shape.join(', ')}], found ${describe(axis)}`);
  }
  const bool = (v: unknown, key: string): boolean => {
    if (typeof v !== 'boolean') failAt(`${path}.${key}`, `expected true or false, found ${describe(v)}`);
    return v;
  };
  return { axis: axis as number | null, symmetric: bool(o.symmetric, 'symmetric'), narrowRange: bool(o.narrowRange, 'narrowRange') };
}

/**
 * Reads and validates the parameter stream (`stream.length` already checked):
 * scales positive and finite, zero points within range. Throws a LiteFormatError at `path`.
 */
export function deserializeParams(stream: Uint8Array, meta: AffineMeta, channels: number, bits: 8 | 4, path: string): QuantParams {
  const view = new DataView(stream.buffer, stream.byteOffset, stream.byteLength);
  const { qmin, qmax } = quantRange(bits, meta.narrowRange);
  const scale = new Array<number>(channels);
  const zeroPoint = new Array<number>(channels).fill(0);
  for (let i = 0; i < channels; i++) {
    const s = view.getFloat32(4 * i, true);
    if (!(s > 0) || !Number.isFinite(s)) failAt(path, `scale ${i} is ${s}; scales must be positive and finite`);
    scale[i] = s;
  }
  if (!meta.symmetric) {
    for (let i = 0; i < channels; i++) {
      const z = view.getInt8(4 * channels + i);
      if (z < qmin || z > qmax) failAt(path, `zero point ${i} is ${z}, outside ${qmin}..${qmax}`);
      zeroPoint[i] = z;
    }
  }
  return { bits, axis: meta.axis, symmetric: meta.symmetric, narrowRange: meta.narrowRange, scale, zeroPoint };
}

/** Options of the `int8` and `int4` encodings. */
export interface AffineOptions {
  /** The quantization parameters (from @lite/quant); default: symmetric, narrow range, absmax, per channel on the last axis (rank ≥ 2). */
  params?: QuantParams;
}

/** Checks the in-memory tensor's params (serializers), as a LiteFormatError at `tensor "name".params`. */
export function checkTensorParams(name: string, shape: readonly number[], params: unknown, bits: 8 | 4): QuantParams {
  try {
    return checkQuantParams(params, shape, bits, `tensor "${name}"`);
  } catch (err) {
    failAt(`tensor "${name}".params`, (err as Error).message);
  }
}

function checkLayout(shape: readonly number[], meta: unknown, streamLengths: readonly number[], path: string): AffineMeta {
  const n = elementCount(shape, `${path}.shape`);
  const m = checkAffineMeta(shape, meta, `${path}.meta`);
  const c = channelCount(shape, m.axis);
  checkStreamLengths(streamLengths, [n, c * (m.symmetric ? 4 : 5)], `${path}.sections`, 'an int8 tensor');
  return m;
}

/** The `int8` encoding: 1 byte per value plus 4–5 bytes per scale. */
export const int8Codec: EncodingCodec<'int8', AffineOptions> = {
  name: 'int8',
  description: 'affine int8, 1 byte per value, scale and zero point per tensor or per channel (round half to even)',
  encode({ name, values, shape }, options = {}) {
    checkTensorShape(name, shape, values.length);
    const params = options.params === undefined ? defaultQuantParams(values, shape, 8) : checkQuantParams(options.params, shape, 8, `int8 encoding of "${name}"`);
    const { q, warnings } = quantizeAffine(name, 'int8', values, shape, params);
    return { tensor: { name, shape: [...shape], encoding: 'int8', q, params: copyParams(params) as QuantParams & { bits: 8 } }, warnings };
  },
  decode(tensor) {
    const q = tensor.q;
    return dequantizeAffine(q.length, (i) => q[i], tensor.shape, tensor.params);
  },
  byteSize(tensor) {
    return tensor.q.length + paramsBytes(tensor.params);
  },
  serialize(tensor) {
    checkTensorShape(tensor.name, tensor.shape, tensor.q.length);
    const params = checkTensorParams(tensor.name, tensor.shape, tensor.params, 8);
    const q = tensor.q;
    if (params.narrowRange) {
      for (let i = 0; i < q.length; i++) if (q[i] === -128) failAt(`tensor "${tensor.name}".q[${i}]`, 'code −128 in a narrow-range tensor (codes are −127..127)');
    }
    return {
      meta: { axis: params.axis, symmetric: params.symmetric, narrowRange: params.narrowRange },
      streams: [new Uint8Array(q.buffer, q.byteOffset, q.length), serializeParams(params)],
    };
  },
  checkLayout(shape, meta, streamLengths, path) {
    checkLayout(shape, meta, streamLengths, path);
  },
  deserialize(name, shape, meta, streams, path): Int8Tensor {
    const m = checkLayout(shape, meta, streams.map((s) => s.length), path);
    const params = deserializeParams(streams[1], m, channelCount(shape, m.axis), 8, `${path}.sections[1]`);
    const q = new Int8Array(streams[0].length);
    q.set(new Int8Array(streams[0].buffer, streams[0].byteOffset, streams[0].length));
    if (m.narrowRange) {
      const i = q.indexOf(-128);
      if (i >= 0) failAt(`${path}.sections[0]`, `value ${i} has code −128, outside the narrow range −127..127`);
    }
    return { name, shape, encoding: 'int8', q, params: params as QuantParams & { bits: 8 } };
  },
};

/** A copy of `params` (the tensor never shares arrays with the caller). */
export function copyParams(p: QuantParams): QuantParams {
  return { bits: p.bits, axis: p.axis, symmetric: p.symmetric, narrowRange: p.narrowRange, scale: [...p.scale], zeroPoint: [...p.zeroPoint] };
}
