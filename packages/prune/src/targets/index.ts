export { globalMasks, layerMasks, pruneLowest, pruneLowestAcross, thresholdMask, zerosFor } from './select.js';
