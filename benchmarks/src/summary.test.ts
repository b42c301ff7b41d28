import { describe, expect, it } from 'vitest';
import type { BinaryResult } from './binary.js';
import type { GemmResult, GemmRow } from './gemm.js';
import type { Peak } from './peak.js';
import { RESULTS_DIR, type RunResults } from './results.js';
import { latest, loadResults, summarize, type ResultFile } from './summary.js';

const machine = { cpu: 'Test CPU', cores: 2, os: 'linux test', node: 'v20', load: [1, 1.5] };
const rate = (r: number) => ({ isa: 'test', chains: 12, rate: r, rates: [r] });
const PEAK: Peak = { threads: 1, fp32: rate(200), int8: rate(800), popcount: rate(4000), cflags: ['-O2'] };

const row = (label: string, m: number, gflops: Record<string, number>): GemmRow =>
  ({ label, kind: 'square', m, n: m, k: m, gflops, best: gflops, samples: {}, timedRows: {} });
const gemm = (lite: number): GemmResult => ({
  peers: [], rounds: 1, protocol: { samples: 1, minSampleSec: 0.1, maxTotalSec: 1 },
  rows: [row('512³', 512, { 'lite-1t': lite, 'openblas-1t': 100, 'lite-2t': 2 * lite, 'openblas-2t': 200, wasm: 20, 'tfjs-cpu': 1 })],
  headline: { goal: 0.85, ratios: {}, min: null, met: null },
});
const binary: BinaryResult = {
  rounds: 1, protocol: { samples: 1, minSampleSec: 0.1, maxTotalSec: 1 }, info: {},
  rows: [{ label: 'GEMM 1024³', kind: 'gemm', ms: { fp32: 10, binary: 0.5 }, ratio: 20, goal: 14, met: true }],
};
const file = (name: string, date: string, parts: Partial<RunResults>, quick = false): ResultFile => ({
  name, run: { name, date, command: 'node dist/run.js', machine, quick, ...parts },
});

describe('latest', () => {
  it('picks the newest full-length file that has the part', () => {
    const files = [
      file('all', '2026-01-01T00:00:00Z', { gemm: gemm(100) }),
      file('gemm', '2026-01-02T00:00:00Z', { gemm: gemm(150) }),
      file('gemm-quick', '2026-01-03T00:00:00Z', { gemm: gemm(10) }, true),
    ];
    expect(latest(files, (r) => r.gemm !== undefined)?.name).toBe('gemm');
    expect(latest(files, (r) => r.binary !== undefined)).toBeUndefined();
  });
});

describe('summarize', () => {
  it('writes one section per part from its latest results, with ratios, % peak and links', () => {
    const { markdown, svg } = summarize([
      file('all', '2026-01-01T00:00:00Z', { gemm: gemm(100), binary }),
      file('gemm', '2026-01-02T00:00:00Z', { gemm: gemm(150), peak: PEAK }),
    ]);
    expect(markdown).toContain('**Machine:** Test CPU, 2 cores');
    expect(markdown).toContain('fp32 200 GFLOP/s (test, 12 chains)');
    expect(markdown).toContain('![lite speedup over each peer](results/chart.svg)');
    // gemm from gemm.json (its own peak): 150 GFLOP/s, 1.5× OpenBLAS, 75% of 200.
    const gemmSection = markdown.slice(markdown.indexOf('## gemm'), markdown.indexOf('## train'));
    expect(gemmSection).toContain('[results/gemm.md](results/gemm.md)');
    expect(gemmSection).toMatch(/\| 512³ \| 150\.0 \| 100\.0 \| 1\.5× \| 1\.5× \| 7\.5× \| 150× \| 75% \|/);
    expect(gemmSection).not.toContain('has no peak of its own');
    // binary from all.json, which has no peak: the latest peak is used and the page says so.
    const binarySection = markdown.slice(markdown.indexOf('## binary'));
    expect(binarySection).toContain('[results/all.md](results/all.md)');
    expect(binarySection).toContain('has no peak of its own');
    // 1024³ bit MACs in 0.5 ms = 2147 G/s of a 4000 Gbit/s popcount peak: 54%; fp32 2·1024³ in 10 ms vs 200: 107%.
    expect(binarySection).toMatch(/\| GEMM 1024³ \| 10\.000 \| 0\.500 \| 20× \| ≥ 14× \| 107% \| 54% \|/);
    expect(markdown).toContain('No full-length results yet: `node dist/run.js --only train`.');
    expect(svg).toContain('data-value="1.5"');
    expect(svg).toContain('data-value="20"');
  });

  it('leaves % peak blank when no run measured a peak', () => {
    const { markdown } = summarize([file('gemm', '2026-01-02T00:00:00Z', { gemm: gemm(150) })]);
    expect(markdown).toContain('not measured yet');
    expect(markdown).toContain('No peak measured yet: % peak is blank.');
    expect(markdown).toMatch(/\| 512³ \| 150\.0 .* \| — \|/);
  });

  it('reads the committed results, every part included', () => {
    const files = loadResults(RESULTS_DIR);
    const { markdown } = summarize(files);
    for (const part of ['gemm', 'train', 'runtime', 'int8', 'sparse', 'binary']) {
      expect(markdown).toContain(`## ${part}`);
      expect(markdown.slice(markdown.indexOf(`## ${part}`)).split('\n')[2]).toMatch(/^Full tables: /);
    }
  });
});
