export {
  DEFAULT_RANGE_MOMENTUM,
  fakeQuantize,
  fakeQuantizeActivation,
  fakeQuantizeWeight,
  representableRange,
  updateEmaRange,
  weightQuantParams,
  type ActivationFakeQuantOptions,
  type WeightFakeQuantOptions,
} from './fake_quant.js';
export { createQatForward, quantizationAwareTrain, type QatForward, type QatForwardOptions, type QatOptions, type QatResult } from './qat.js';
