export { MaskedKernels, applyMask, countZeros, maskZeros, sparsityOf, type Mask, type Masks } from './masks.js';
