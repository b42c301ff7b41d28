/**
 * Activation-range calibration: a streaming observer sees batches of fp32
 * activations and then gives the range `[min, max]` (always containing 0) for their
 * `bits`-bit asymmetric (uint8-style) quantization:
 *
 * - `minmax`: the running minimum and maximum;
 * - `percentile`: each tail clipped so that at most `(100 − percentile)%` of the values
 *   lie beyond it (default 99.99);
 * - `mse`: the range minimising the expected squared error (rounding + clipping);
 * - `kl`: TensorRT-style entropy calibration.
 *
 * The last three keep a histogram of `bins` bins per sign by magnitude that doubles
 * its span (merging bin pairs, exactly) when a batch exceeds it; see histogram.ts.
 *
 * ```ts
 * const observer = createObserver('mse');
 * for (const batch of activations) observer.observe(batch);
 * const [min, max] = observer.range();
 * quantizeTensor(values, shape, { symmetric: false, perChannel: false, range: { min: [min], max: [max] } });
 * ```
 */
import { Histogram } from './histogram.js';
import { klRange } from './kl.js';
import { MinMax } from './minmax.js';
import { mseRange } from './mse.js';
import { DEFAULT_PERCENTILE, percentileRange } from './percentile.js';

export { DEFAULT_PERCENTILE };

/** The calibration methods. */
export type CalibrationMethod = 'minmax' | 'percentile' | 'mse' | 'kl';

/** Every calibration method, for argument checking and menus. */
export const CALIBRATION_METHODS: readonly CalibrationMethod[] = ['minmax', 'percentile', 'mse', 'kl'];

/** Options of {@link createObserver}. */
export interface ObserverOptions {
  /** Bits of the quantized activations, 2–16 (default 8: 256 levels). */
  bits?: number;
  /** Histogram bins per sign, an integer ≥ 2^bits (default 2048). Not for `minmax`. */
  bins?: number;
  /** For `percentile` only: in (0, 100], default 99.99. */
  percentile?: number;
}

/** Sees activations batch by batch and gives their quantization range. */
export interface RangeObserver {
  readonly method: CalibrationMethod;
  /** Adds a batch of activations (finite fp32 values; a RangeError names a bad one). */
  observe(values: Float32Array): void;
  /** The calibrated `[min, max]`, min ≤ 0 ≤ max; throws if nothing was observed. */
  range(): [number, number];
}

/** Default histogram bins per sign. */
export const DEFAULT_BINS = 2048;

const OPTION_NAMES = ['bits', 'bins', 'percentile'];

function checkOptions(method: unknown, options: ObserverOptions): { bits: number; bins: number; percentile: number } {
  if (!CALIBRATION_METHODS.includes(method as CalibrationMethod)) {
    throw new RangeError(`unknown calibration method ${JSON.stringify(method)}; choose one of: ${CALIBRATION_METHODS.join(', ')}`);
  }
  if (typeof options !== 'object' || options === null) throw new TypeError(`observer options must be an object, not ${JSON.stringify(options)}`);
  for (const key of Object.keys(options)) {
    if (!OPTION_NAMES.includes(key)) throw new TypeError(`unknown observer option '${key}'; the options are: ${OPTION_NAMES.join(', ')}`);
  }
  const bits = options.bits ?? 8;
  if (!Number.isInteger(bits) || bits < 2 || bits > 16) throw new RangeError(`bits must be an integer 2..16, not ${JSON.stringify(bits)}`);
  if (method === 'minmax' && options.bins !== undefined) throw new TypeError(`'bins' is a histogram option; method 'minmax' keeps no histogram`);
  const bins = options.bins ?? Math.max(DEFAULT_BINS, 2 ** bits);
  if (!Number.isInteger(bins) || bins < 2 ** bits) {
    throw new RangeError(`bins must be an integer ≥ 2^bits = ${2 ** bits} (one bin per quantization level at least), not ${JSON.stringify(bins)}`);
  }
  if (method !== 'percentile' && options.percentile !== undefined) throw new TypeError(`'percentile' applies to method 'percentile' only, not '${method}'`);
  const percentile = options.percentile ?? DEFAULT_PERCENTILE;
  if (typeof percentile !== 'number' || !(percentile > 0 && percentile <= 100)) {
    throw new RangeError(`percentile must be a number in (0, 100], not ${JSON.stringify(percentile)}`);
  }
  return { bits, bins, percentile };
}

/**
 * An observer of activations for `method`. Throws a RangeError for an unknown
 * method, bits outside 2..16, bins below 2^bits or a percentile outside (0, 100], and
 * a TypeError for an option the method does not take.
 */
export function createObserver(method: CalibrationMethod, options: ObserverOptions = {}): RangeObserver {
  const { bits, bins, percentile } = checkOptions(method, options);
  const bounds = new MinMax();
  const hist = method === 'minmax' ? undefined : new Histogram(bins);
  return {
    method,
    observe(values) {
      const batch = bounds.observe(values);
      hist?.add(values, batch.absMax);
    },
    range() {
      if (bounds.count === 0) throw new Error(`no activations observed yet: call observe() with at least one value before range()`);
      if (!hist || hist.width === 0) return bounds.range();
      if (method === 'percentile') return percentileRange(hist, bounds, percentile);
      if (method === 'mse') return mseRange(hist, bounds, bits);
      return klRange(hist, bounds, bits);
    },
  };
}
