export * from './latency.js';
export * from './macs.js';
export * from './report.js';
export * from './size.js';
