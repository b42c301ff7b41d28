import { describe, expect, it } from 'vitest';
import { makeCase, makeSeeds, runCase, runFuzz } from './fuzz.js';

describe('fuzz slice', () => {
  it('20,000 mutated files: every rejection is a located LiteFormatError, every accepted file writes back', () => {
    const t0 = performance.now();
    const stats = runFuzz({ cases: 20_000, seed: 20260101 });
    const s = (performance.now() - t0) / 1000;
    console.log(`fuzz slice: ${stats.cases} cases in ${s.toFixed(1)} s (${Math.round(stats.cases / s)}/s), ${stats.rejected} rejected, ${stats.accepted} accepted, slowest ${stats.maxCaseMs.toFixed(1)} ms`);
    expect(stats.failures.slice(0, 5)).toEqual([]);
    expect(stats.cases).toBe(20_000);
    // The mutations reach deep checks, not just the checksums.
    expect(Object.keys(stats.reasons).length).toBeGreaterThan(60);
  });

  it('cases are reproducible from seed and index', () => {
    const seeds = makeSeeds();
    const a = makeCase(seeds, 7, 12345);
    const b = makeCase(seeds, 7, 12345);
    expect(a.mutation).toBe(b.mutation);
    expect(Buffer.from(a.bytes).equals(Buffer.from(b.bytes))).toBe(true);
  });

  it('the unmutated seeds are accepted', () => {
    for (const s of makeSeeds()) expect(runCase(s.bytes)).toEqual({ kind: 'accepted' });
  });
});
