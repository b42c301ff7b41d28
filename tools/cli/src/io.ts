/** Where a command writes: results to `out` (stdout), progress and logs to `err` (stderr). */
export interface Io {
  out: { write(text: string): unknown };
  err: { write(text: string): unknown; isTTY?: boolean; columns?: number };
}

/** The process's own streams. */
export const processIo: Io = { out: process.stdout, err: process.stderr };

/** Prints a value as exactly one line of JSON. */
export function printJson(io: Io, value: unknown): void {
  io.out.write(`${JSON.stringify(value)}\n`);
}
