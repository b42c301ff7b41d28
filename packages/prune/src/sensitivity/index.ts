export { DEFAULT_SENSITIVITY_SPARSITIES, checkSparsities, sensitivity, type LayerSensitivity, type SensitivityOptions, type SensitivityTable } from './sensitivity.js';
export { allocateSparsity } from './allocate.js';
