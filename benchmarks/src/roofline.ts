// "% of peak" columns: a measured rate against this machine's single-thread peak
// (src/peak.ts) of the matching kind, in the same units. Op counting, per table:
//   fp32 GEMM and conv  2 flops per multiply-add, against the fp32 FMA peak
//   int8 GEMM           2 ops per u8·s8 product (GOP/s = 2·M·N·K/s), against the int8 peak
//   sparse spmm         2 flops per stored nonzero weight per row of X, against fp32 FMA
//   binary conv/GEMM    1 op per 1-bit multiply-add (M·N·K bit products), against the
//                       popcount peak, which counts popcounted bits only (a real kernel
//                       also spends an XOR and an add on each word)
import { PEAK_UNITS, type Peak, type PeakKind } from './peak.js';

/** 100 · rate / (peak · threads), or null when either is missing. */
export function percentOfPeak(rate: number | null | undefined, peak: Peak | undefined, kind: PeakKind, threads = 1): number | null {
  const p = peak?.[kind]?.rate;
  return rate == null || !Number.isFinite(rate) || !p ? null : (100 * rate) / (p * threads);
}

/** A percentage as a table cell ('—' when unknown). */
export function pct(x: number | null): string {
  return x == null ? '—' : `${x >= 10 ? x.toFixed(0) : x.toPrecision(2)}%`;
}

/** How each table counts operations for its % peak columns (see the top of this file). */
export const OP_COUNTS = {
  fp32Gemm: 'GFLOP/s (2 flops per multiply-add) / fp32 FMA peak',
  int8Gemm: 'GOP/s (2 ops per u8·s8 product) / int8 peak',
  spmm: (sparsity: number) =>
    `spmm: 2 flops per nonzero weight per row of X, nnz taken as the mask's expectation ${(1 - sparsity).toFixed(2)}·K·N; dense: 2·M·N·K; both against the fp32 FMA peak; spmm int8 and the Python peers are left blank (their op mix is not one kind)`,
  binary:
    'ops per call are M·N·K multiply-adds (conv: M = output pixels, N = outC, K = 3·3·inC); fp32 counts 2 flops each against the FMA peak, binary counts each 1-bit multiply-add (one XNOR-popcounted bit) as 1 op against the popcount peak (bits counted per second), which a kernel cannot reach since it also spends an XOR and an add per word',
} as const;

/** The note a table with % of peak columns carries. */
export function peakNote(peak: Peak | undefined, kinds: PeakKind[], convention: string): string {
  const one = (k: PeakKind) => {
    const r = peak?.[k];
    return r ? `${k} ${r.rate.toFixed(0)} ${PEAK_UNITS[k]} (${r.isa})` : `${k} not measured`;
  };
  const why = peak?.skipped?.all ? ` (${peak.skipped.all})` : '';
  return `% peak: against this machine's single-thread peak, measured in the same run by src/peers/peak.c (${kinds.map(one).join(', ')}${why}). Op count: ${convention}.`;
}
