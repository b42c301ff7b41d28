// Shared by the binding tests: a binding must reject a bad argument with a
// TypeError or RangeError whose message names it (and never crash Node).
import { expect } from 'vitest';

export type ErrorKind = typeof TypeError | typeof RangeError;
/** A binding called with an argument list. */
export type Call = (args: unknown[]) => void;

/** Runs `fn` and expects `kind` with a message matching `message`; `context` names the case in a failure. */
export function throwsError(fn: () => unknown, kind: ErrorKind, message: RegExp, context = ''): void {
  let thrown: unknown;
  try {
    fn();
  } catch (err) {
    thrown = err;
  }
  expect(thrown, `expected ${kind.name} ${message}${context && ` for ${context}`}`).toBeInstanceOf(kind);
  expect((thrown as Error).message).toMatch(message);
}

/** Calls the binding with `args` and expects `kind` with a message matching `message`. */
export function rejects(call: Call, args: unknown[], kind: ErrorKind, message: RegExp): void {
  throwsError(() => call(args), kind, message, describeArgs(args));
}

function describeArgs(args: unknown[]): string {
  return args
    .map((a) => (ArrayBuffer.isView(a) ? `${a.constructor.name}(${(a as Uint8Array).length})` : typeof a === 'object' && a ? JSON.stringify(a) : String(a)))
    .join(', ');
}

/** `args` with the one at `index` replaced. */
export const replace = (args: unknown[], index: number, value: unknown) => args.map((a, i) => (i === index ? value : a));

/** Every call with fewer than `required` arguments. */
export function tooFewArgs(call: Call, args: unknown[], required = args.length): void {
  for (let n = 0; n < required; n++) rejects(call, args.slice(0, n), TypeError, /argument|must be/);
}
