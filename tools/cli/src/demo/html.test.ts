import { describe, expect, it } from 'vitest';
import { escapeHtml, renderHtml } from './html.js';
import type { DemoReport } from './report.js';
import type { DemoRow } from './row.js';

const row = (name: string, accuracy: number, bytes: number): DemoRow => ({
  group: 'pruning', name, recipe: 'r & <b>', arch: 'seedCnn', accuracy, bytes, ratio: 2, p50b1: 0.1, p50b256: 3, params: 10, macs: 100, macsNonzero: 50, sparsity: 0.5, seconds: 1,
  layers: [{ layer: 'conv1', op: 'conv2d', params: 10, sparsity: 0.5, bits: 4.5, encoding: 'csr' }],
});

const report = (rows: DemoRow[]): DemoReport => ({
  tool: 'lite demo', version: '0', mode: 'quick', createdAt: 'now', backend: 'lite', seconds: 1, train: 1, test: 1, legend: 'x',
  settings: { quick: true, teacherEpochs: 1, pruneEpochs: 1, studentEpochs: 1, binaryEpochs: 1, qatEpochs: 1, lenetEpochs: 1, pipelineEpochs: 1, latencyRuns: 1, latencySeconds: 1 },
  rows,
});

describe('report.html', () => {
  it('escapes every text and keeps the embedded JSON inside its script element', () => {
    const evil = '</script><script>alert(1)</script>"\'&';
    const html = renderHtml(report([row(evil, 0.9, 1000), row('b', 0.5, 100_000)]));
    expect(html).not.toContain('<script>alert(1)');
    expect(html).toContain(escapeHtml(evil));
    expect(html.match(/<script/g)).toHaveLength(1);
    const json = html.match(/<script type="application\/json" id="demo-data">([^<]*)<\/script>/)![1];
    expect(JSON.parse(json).rows[0].name).toBe(evil);
  });

  it('draws one point per row, two bars per layer, two latency bars per row', () => {
    const html = renderHtml(report([row('a', 0.9, 1000), row('b', 0.5, 100_000), row('c', 0.99, 50)]));
    expect(html.match(/<circle class="point"/g)).toHaveLength(3);
    expect(html.match(/<rect class="bar (sparsity|bits)"/g)).toHaveLength(6);
    expect(html.match(/<rect class="bar latency"/g)).toHaveLength(6);
    expect(html).not.toMatch(/NaN|Infinity|undefined/);
  });
});
