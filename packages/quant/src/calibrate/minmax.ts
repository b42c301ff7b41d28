/**
 * The running minimum and maximum of every value observed: the `minmax` calibrator's
 * whole state, and the exact data bounds the histogram methods clamp their ranges to.
 * It also guards the input: a value that is not finite is a RangeError naming the
 * batch and the element, thrown before anything of that batch is counted.
 */

/** What one batch adds to the running bounds. */
export interface BatchBounds {
  min: number;
  max: number;
  /** Largest magnitude in the batch. */
  absMax: number;
}

export class MinMax {
  min = Infinity;
  max = -Infinity;
  /** Values observed. */
  count = 0;
  /** Batches observed. */
  batches = 0;

  /** Checks a batch and adds it to the bounds; returns the batch's own bounds. */
  observe(values: Float32Array): BatchBounds {
    if (!(values instanceof Float32Array)) {
      throw new TypeError(`observe() takes a Float32Array of activations, not ${values === null ? 'null' : (values as object)?.constructor?.name ?? typeof values}`);
    }
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < values.length; i++) {
      const x = values[i];
      if (!Number.isFinite(x)) {
        throw new RangeError(`calibration data must be finite: batch ${this.batches + 1} (observe call), element ${i} is ${x}; nothing of this batch was counted`);
      }
      if (x < min) min = x;
      if (x > max) max = x;
    }
    this.batches++;
    this.count += values.length;
    if (values.length > 0) {
      this.min = Math.min(this.min, min);
      this.max = Math.max(this.max, max);
    }
    return { min, max, absMax: values.length > 0 ? Math.max(-min, max) : 0 };
  }

  /** The data's bounds widened to contain 0 (`[0, 0]` before any value). */
  range(): [number, number] {
    return this.count === 0 ? [0, 0] : [Math.min(0, this.min), Math.max(0, this.max)];
  }
}
