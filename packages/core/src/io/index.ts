export { writeFilesAtomic } from './atomic.js';
export { MODEL_JSON, WEIGHTS_BIN, fileHandler } from './file_handler.js';
export { loadModel, saveModel } from './model_io.js';
