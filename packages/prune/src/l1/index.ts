export { DEFAULT_L1_STRENGTH, l1Loss } from './l1.js';
