import { execFileSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { describePeak, measurePeak, parseCpuFlags, parsePeak, peakCflags, type PeakReply } from './peak.js';

const ZEN5 = `processor\t: 0\nvendor_id\t: AuthenticAMD\nflags\t\t: fpu sse sse2 popcnt avx fma avx2 avx512f avx512bw avx_vnni avx512_vnni avx512_vpopcntdq\nbugs\t\t: none\n\nprocessor\t: 1\nflags\t\t: fpu\n`;
const HASWELL = 'processor\t: 0\nflags\t\t: fpu sse2 popcnt avx fma avx2\n';

describe('cpu flags and compiler flags', () => {
  it('reads the first processor\'s flags', () => {
    const flags = parseCpuFlags(ZEN5);
    expect(flags.has('avx512_vnni')).toBe(true);
    expect(flags.has('fpu')).toBe(true);
    expect(parseCpuFlags('no flags here').size).toBe(0);
  });

  it('asks for what the CPU reports and nothing more', () => {
    expect(peakCflags(parseCpuFlags(ZEN5))).toEqual(['-O2', '-mavx2', '-mfma', '-mpopcnt', '-mavxvnni', '-mavx512f', '-mavx512bw', '-mavx512vnni', '-mavx512vpopcntdq']);
    expect(peakCflags(parseCpuFlags(HASWELL))).toEqual(['-O2', '-mavx2', '-mfma', '-mpopcnt']);
    expect(peakCflags(new Set())).toEqual(['-O2']);
  });
});

describe('parsePeak', () => {
  it('keeps the best sample of each kernel and says why one is missing', () => {
    const reply: PeakReply = {
      fp32: { isa: 'avx512f', chains: 12, rates: [260, 270, 265] },
      int8: { skipped: 'no AVX2 or VNNI' },
      popcount: { isa: 'popcnt (scalar, 64-bit)', chains: 12, rates: [1100, 1170] },
    };
    const p = parsePeak(reply, ['-O2']);
    expect(p.fp32).toMatchObject({ isa: 'avx512f', rate: 270 });
    expect(p.int8).toBeNull();
    expect(p.popcount?.rate).toBe(1170);
    expect(p.skipped).toEqual({ int8: 'no AVX2 or VNNI' });
    expect(describePeak(p)).toBe('single-thread peak: fp32 270 GFLOP/s (avx512f, 12 chains), int8 — (no AVX2 or VNNI), popcount 1170 Gbit/s (popcnt (scalar, 64-bit), 12 chains)');
  });
});

describe('measurePeak', () => {
  const cc = process.env.CC;
  afterEach(() => {
    if (cc === undefined) delete process.env.CC;
    else process.env.CC = cc;
  });

  it('fails soft without a compiler: no figures, and why', async () => {
    process.env.CC = '/nonexistent/cc';
    const p = await measurePeak({ quick: true, cpuinfo: HASWELL });
    expect(p.fp32).toBeNull();
    expect(p.skipped?.all).toMatch(/could not build the peak microbenchmark .* \/nonexistent\/cc not found/);
    expect(describePeak(p)).toMatch(/^peak not measured: /);
  });

  const haveCc = (() => {
    try {
      execFileSync(process.env.CC ?? 'cc', ['--version'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();
  it.skipIf(!haveCc)('builds and runs peak.c with this CPU\'s flags (shape only, not speed)', async () => {
    const p = await measurePeak({ quick: true });
    expect(p.skipped?.all).toBeUndefined();
    expect(p.fp32?.rate).toBeGreaterThan(0);
    expect(p.fp32?.rates.length).toBe(5);
  });
});
