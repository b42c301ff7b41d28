/**
 * The one error type of the .lite format: what was wrong and where (a byte offset
 * into the file, or a field path into its JSON header), so a truncated, corrupt or
 * hostile file is always a clear message, never a crash.
 */
export class LiteFormatError extends Error {
  /** Byte offset in the file where the problem was found, when it is a byte-level problem. */
  readonly offset?: number;
  /** Field path (e.g. `header.nodes[3].kernel`, `header.tensors[0].shape[1]`), when it is a header or graph problem. */
  readonly path?: string;
  /** The problem alone, without file or location. */
  readonly reason: string;
  /** The file, when the error came from reading one. */
  readonly file?: string;

  constructor(message: string, where: { offset?: number; path?: string; file?: string } = {}) {
    const at = [
      where.offset !== undefined ? `byte ${where.offset}` : undefined,
      where.path !== undefined ? where.path : undefined,
    ].filter((s) => s !== undefined);
    const text = at.length > 0 ? `${message} (at ${at.join(', ')})` : message;
    super(where.file !== undefined ? `${where.file}: ${text}` : text);
    this.reason = message;
    this.name = 'LiteFormatError';
    if (where.offset !== undefined) this.offset = where.offset;
    if (where.path !== undefined) this.path = where.path;
    if (where.file !== undefined) this.file = where.file;
  }
}

/** Throws a {@link LiteFormatError} at a header field path. */
export function failAt(path: string, message: string): never {
  throw new LiteFormatError(message, { path });
}

/** Throws a {@link LiteFormatError} at a byte offset. */
export function failAtByte(offset: number, message: string): never {
  throw new LiteFormatError(message, { offset });
}
