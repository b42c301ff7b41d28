import type { ActivationQuant } from '@lite/core';
import { chooseParams } from '../schemes/affine.js';

/**
 * uint8 parameters of an activation range: the int8 asymmetric full-range
 * scheme's scale, its zero point moved up by 128 (codes 0..255). The range is
 * widened to contain 0, so zero padding stays exact.
 */
export function activationQuant(range: readonly [number, number]): ActivationQuant {
  const [min, max] = range;
  if (!Number.isFinite(min) || !Number.isFinite(max) || min > max) throw new RangeError(`activation range [${min}, ${max}] is not a finite interval`);
  const params = chooseParams([min], [max], { bits: 8, symmetric: false, narrowRange: false, axis: null });
  return { scale: params.scale[0], zeroPoint: params.zeroPoint[0] + 128 };
}
