// This machine's single-thread peak, the roofline of the kernel tables: fp32 FMA
// GFLOP/s, int8 GOP/s (VNNI vpdpbusd, else the AVX2/AVX-512BW vpmaddubsw sequence)
// and popcount Gbit/s (AVX-512 VPOPCNTDQ, else scalar popcnt).
//
// Why a C file built at bench time (src/peers/peak.c) rather than an addon function:
// a peak needs the widest ISA this CPU has, so it is compiled with -m flags from
// /proc/cpuinfo; the addon is built to run on any x86-64 and ships, while this is
// a bench-only probe. It builds like the OpenBLAS harness (peers/cc.ts).
import { readFileSync } from 'node:fs';
import { compileC } from './peers/cc.js';
import { runJson } from './peers/child.js';

/** One kernel's peak: the best of its samples (noise only ever lowers a peak). */
export interface PeakRate {
  /** The instructions it ran, e.g. "avx512f", "avx512-vnni (vpdpbusd zmm)". */
  isa: string;
  /** Independent accumulator chains. */
  chains: number;
  /** fp32: GFLOP/s (2 per FMA lane); int8: GOP/s (2 per u8·s8 product); popcount: Gbit/s counted. */
  rate: number;
  /** Every sample's rate. */
  rates: number[];
}

export interface Peak {
  threads: 1;
  fp32: PeakRate | null;
  int8: PeakRate | null;
  popcount: PeakRate | null;
  /** Compiler flags it was built with. */
  cflags: string[];
  /** Why a kernel (or all of them) has no figure. */
  skipped?: Partial<Record<'all' | 'fp32' | 'int8' | 'popcount', string>>;
}

export const PEAK_UNITS = { fp32: 'GFLOP/s', int8: 'GOP/s', popcount: 'Gbit/s' } as const;
export type PeakKind = keyof typeof PEAK_UNITS;

/** The flags of /proc/cpuinfo's first processor (empty when there is no such line). */
export function parseCpuFlags(cpuinfo: string): Set<string> {
  const line = cpuinfo.split('\n').find((l) => /^(flags|Features)\s*:/.test(l));
  return new Set(line ? line.slice(line.indexOf(':') + 1).trim().split(/\s+/) : []);
}

/** cpuinfo flag → gcc -m flag, for the instructions peak.c can use. */
const M_FLAGS: ReadonlyArray<readonly [string, string]> = [
  ['avx2', '-mavx2'],
  ['fma', '-mfma'],
  ['popcnt', '-mpopcnt'],
  ['avx_vnni', '-mavxvnni'],
  ['avx512f', '-mavx512f'],
  ['avx512bw', '-mavx512bw'],
  ['avx512_vnni', '-mavx512vnni'],
  ['avx512_vpopcntdq', '-mavx512vpopcntdq'],
];

/** Compiler flags for peak.c: what the CPU reports, never more (an unsupported instruction would crash it). */
export function peakCflags(flags: ReadonlySet<string>): string[] {
  return ['-O2', ...M_FLAGS.filter(([f]) => flags.has(f)).map(([, m]) => m)];
}

type KernelReply = { isa: string; chains: number; rates: number[] } | { skipped: string };
export type PeakReply = Record<PeakKind, KernelReply>;

/** The peak from peak.c's JSON reply. */
export function parsePeak(reply: PeakReply, cflags: string[]): Peak {
  const peak: Peak = { threads: 1, fp32: null, int8: null, popcount: null, cflags };
  for (const kind of Object.keys(PEAK_UNITS) as PeakKind[]) {
    const k = reply[kind];
    if (!k || 'skipped' in k) (peak.skipped ??= {})[kind] = k?.skipped ?? 'not measured';
    else peak[kind] = { isa: k.isa, chains: k.chains, rate: Math.max(...k.rates), rates: k.rates };
  }
  return peak;
}

/** A peak with no figures, saying why. */
export const noPeak = (why: string, cflags: string[] = []): Peak => ({ threads: 1, fp32: null, int8: null, popcount: null, cflags, skipped: { all: why } });

/** Builds and runs peak.c; fails soft (no figures, with why) when it cannot build or run. */
export async function measurePeak(options: { quick: boolean; cpuinfo?: string }): Promise<Peak> {
  let cpuinfo = options.cpuinfo;
  try {
    cpuinfo ??= readFileSync('/proc/cpuinfo', 'utf8');
  } catch {
    cpuinfo = '';
  }
  const cflags = peakCflags(parseCpuFlags(cpuinfo));
  try {
    const exe = await compileC('peak', cflags, 'the peak microbenchmark (src/peers/peak.c)');
    const reply = await runJson<PeakReply>(exe, options.quick ? ['0.05', '5'] : ['0.1', '7'], process.env);
    return parsePeak(reply, cflags);
  } catch (err) {
    return noPeak((err as Error).message, cflags);
  }
}

/** One line describing the peak, for table notes and RESULTS.md. */
export function describePeak(p: Peak | undefined): string {
  if (!p) return 'peak not measured in this run';
  if (p.skipped?.all) return `peak not measured: ${p.skipped.all}`;
  const one = (kind: PeakKind) => {
    const r = p[kind];
    return r ? `${kind} ${r.rate.toFixed(0)} ${PEAK_UNITS[kind]} (${r.isa}, ${r.chains} chains)` : `${kind} — (${p.skipped?.[kind] ?? 'not measured'})`;
  };
  return `single-thread peak: ${(Object.keys(PEAK_UNITS) as PeakKind[]).map(one).join(', ')}`;
}
