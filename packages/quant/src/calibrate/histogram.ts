/**
 * The streaming histogram behind the `percentile`, `mse` and `kl` calibrators.
 *
 * **Layout.** Values are binned by magnitude on each side of zero: `pos[j]` counts the
 * positive values in `[j·w, (j+1)·w)`, `neg[j]` the negative values whose magnitude
 * falls there, and exact zeros are counted apart (`zeros`):
 * zero is always exactly representable, so zeros (half of a ReLU's outputs) cost no
 * quantization error and must not be smeared into the first bin's density. Each side
 * has `bins` bins over `[0, limit)`, `limit = bins · w`.
 *
 * **Growth.** The first batch with a nonzero value sets `limit` to its largest
 * magnitude (a hair above, so it lands in the last bin). When a later batch holds a
 * larger magnitude, the limit doubles (as often as needed) and adjacent bin pairs are
 * merged: the new bins' edges are a subset of the old ones, so re-binning is exact (no
 * counts are split or smeared) and the result does not depend on how the data was
 * batched beyond the resolution: the data's largest magnitude always spans more than
 * half of the bins, i.e. at least `bins / 2` bins cover the data (1024 by default).
 *
 * Within a bin the values are taken as uniformly spread (for quantiles and moments).
 */

/** Counts of fp32 values by magnitude on each side of zero, growing its range by exact bin merges. */
export class Histogram {
  /** Positive values per magnitude bin. */
  readonly pos: Float64Array;
  /** Negative values per magnitude bin. */
  readonly neg: Float64Array;
  /** Exact zeros. */
  zeros = 0;
  /** Bin width (0 until a nonzero value arrives). */
  width = 0;

  constructor(readonly bins: number) {
    this.pos = new Float64Array(bins);
    this.neg = new Float64Array(bins);
  }

  /** Values binned so far. */
  get count(): number {
    let n = this.zeros;
    for (let j = 0; j < this.bins; j++) n += this.pos[j] + this.neg[j];
    return n;
  }

  /** Upper end of the binned magnitudes. */
  get limit(): number {
    return this.width * this.bins;
  }

  /** Adds finite values (the caller checks finiteness); `absMax` is their largest magnitude. */
  add(values: Float32Array, absMax: number): void {
    if (absMax > 0 && this.width === 0) this.width = (absMax * (1 + 2 ** -20)) / this.bins;
    while (absMax >= this.limit && this.width > 0) this.grow();
    const inv = this.width > 0 ? 1 / this.width : 0;
    const last = this.bins - 1;
    for (let i = 0; i < values.length; i++) {
      const x = values[i];
      if (x > 0) this.pos[Math.min(last, Math.floor(x * inv))]++;
      else if (x < 0) this.neg[Math.min(last, Math.floor(-x * inv))]++;
      else this.zeros++;
    }
  }

  /** Doubles the width, merging bin pairs (exact: new edges are old edges). */
  private grow(): void {
    for (const side of [this.pos, this.neg]) {
      for (let j = 0; j < this.bins; j++) side[j] = (side[2 * j] ?? 0) + (side[2 * j + 1] ?? 0);
    }
    this.width *= 2;
  }

  /**
   * The smallest magnitude `t` such that at most `count` values of `side` lie beyond
   * `t` (interpolated within the bin); 0 when the side holds no more than `count`.
   */
  tailThreshold(side: Float64Array, count: number): number {
    let above = 0;
    for (let j = this.bins - 1; j >= 0; j--) {
      const c = side[j];
      if (above + c > count) return this.width * (j + 1 - (count - above) / c);
      above += c;
    }
    return 0;
  }

  /** Number of bins of `side` up to and including its last nonempty one. */
  usedBins(side: Float64Array): number {
    let n = this.bins;
    while (n > 0 && side[n - 1] === 0) n--;
    return n;
  }
}
