import { expect } from 'vitest';
import { createRng } from '../data/random.js';

// Helpers the kernel tests share: seeded randoms, guarded outputs, failure lists.

/** A seeded generator of floats in [0, 1). */
export const rng = (seed: number): (() => number) => createRng(seed).next;

/** The integers lo..hi. */
export const range = (lo: number, hi: number): number[] => Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);

type TypedArray = Float32Array | Int32Array | Uint8Array | Int8Array;

/**
 * An output view of `n` elements inside a buffer whose guard bands (filled with
 * `sentinel`) must survive the kernel, so a stray write shows; the view itself
 * starts as `fill` (NaN: an element the kernel forgets stays NaN).
 */
export function guardedOutput<T extends TypedArray>(
  make: new (length: number) => T, n: number, sentinel: number, fill = sentinel, guard = 32,
): { view: T; guardsIntact(): boolean } {
  const all = new make(n + 2 * guard).fill(sentinel) as T;
  const view = all.subarray(guard, guard + n).fill(fill) as T;
  const intact = (part: TypedArray) => part.every((v) => v === sentinel);
  return { view, guardsIntact: () => intact(all.subarray(0, guard)) && intact(all.subarray(guard + n)) };
}

/** Collects failures so one expect reports the first few. */
export class Failures {
  readonly list: string[] = [];
  cases = 0;
  add(message: string): void {
    this.cases++;
    if (message && this.list.length < 10) this.list.push(message);
  }
  expectNone(): void {
    expect(this.list).toEqual([]);
    expect(this.cases).toBeGreaterThan(0);
  }
}
