/** Small typed checks of parsed JSON, each throwing a LiteFormatError at a field path. */
import { failAt } from './errors.js';
import { MAX_JSON_DEPTH, MAX_NAME_LENGTH } from './limits.js';

/** A plain JSON object. */
export type JsonObject = { [key: string]: unknown };

/** A short description of a JSON value for error messages. */
export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  if (typeof v === 'object') return 'an object';
  return typeof v === 'number' ? `the number ${v}` : `${typeof v} ${String(v)}`;
}

/** `v` as an object whose keys are all in `required` or `optional`, with every required key present. */
export function expectObject(v: unknown, path: string, required: readonly string[], optional: readonly string[] = []): JsonObject {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) failAt(path, `expected an object, found ${describe(v)}`);
  const o = v as JsonObject;
  for (const key of Object.keys(o)) {
    if (!required.includes(key) && !optional.includes(key)) failAt(`${path}.${key}`, `unknown field (expected ${[...required, ...optional].join(', ')})`);
  }
  for (const key of required) if (!Object.prototype.hasOwnProperty.call(o, key)) failAt(`${path}.${key}`, 'required field is missing');
  return o;
}

export function expectArray(v: unknown, path: string, minLength = 0, maxLength = Number.MAX_SAFE_INTEGER): unknown[] {
  if (!Array.isArray(v)) failAt(path, `expected an array, found ${describe(v)}`);
  if (v.length < minLength) failAt(path, `expected at least ${minLength} entries, found ${v.length}`);
  if (v.length > maxLength) failAt(path, `expected at most ${maxLength} entries, found ${v.length}`);
  return v;
}

export function expectString(v: unknown, path: string): string {
  if (typeof v !== 'string') failAt(path, `expected a string, found ${describe(v)}`);
  return v;
}

/** A non-empty string of at most {@link MAX_NAME_LENGTH} characters. */
export function expectName(v: unknown, path: string): string {
  const s = expectString(v, path);
  if (s.length === 0) failAt(path, 'name is empty');
  if (s.length > MAX_NAME_LENGTH) failAt(path, `name is longer than ${MAX_NAME_LENGTH} characters`);
  return s;
}

export function expectInt(v: unknown, path: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) failAt(path, `expected an integer, found ${describe(v)}`);
  if (v < min || v > max) failAt(path, `${v} is outside ${min}..${max}`);
  return v;
}

export function expectFinite(v: unknown, path: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) failAt(path, `expected a finite number, found ${describe(v)}`);
  return v;
}

export function expectOneOf<T extends string>(v: unknown, path: string, allowed: readonly T[]): T {
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) failAt(path, `expected one of ${allowed.join(', ')}, found ${describe(v)}`);
  return v as T;
}

/**
 * A free-form JSON object (provenance options, report, encoding meta): checks it is an
 * object nested at most {@link MAX_JSON_DEPTH} deep (iteratively, so hostile nesting cannot overflow the stack).
 */
export function expectJsonObject(v: unknown, path: string): JsonObject {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) failAt(path, `expected an object, found ${describe(v)}`);
  const stack: [unknown, number][] = [[v, 1]];
  while (stack.length > 0) {
    const [x, depth] = stack.pop()!;
    if (x === null || typeof x !== 'object') continue;
    if (depth > MAX_JSON_DEPTH) failAt(path, `nested deeper than ${MAX_JSON_DEPTH} levels`);
    for (const child of Array.isArray(x) ? x : Object.values(x)) if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
  }
  return v as JsonObject;
}
