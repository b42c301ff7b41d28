export { LITE_BACKEND, MathBackendLite, liteKernels, registerLiteBackend } from './lite_backend.js';
export { useBestBackend, type BackendChoice } from './select.js';

import { registerLiteBackend } from './lite_backend.js';

// Importing @lite/core makes `lite` available (and tfjs's default over `cpu`).
registerLiteBackend();
