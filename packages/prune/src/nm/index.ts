export { checkNM, checkPattern, nmMask, parseNM, type NMPattern, type NMViolation } from './nm.js';
