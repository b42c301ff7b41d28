// Plain-text and markdown tables from rows of strings.

export type Align = 'left' | 'right';

export interface Table {
  title: string;
  headers: string[];
  rows: string[][];
  /** Per column; the first column defaults to left, the others to right. */
  align?: Align[];
  notes?: string[];
}

function alignOf(t: Table, col: number): Align {
  return t.align?.[col] ?? (col === 0 ? 'left' : 'right');
}

export function toText(t: Table): string {
  const widths = t.headers.map((h, c) => Math.max(h.length, ...t.rows.map((r) => (r[c] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, c) => (alignOf(t, c) === 'left' ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!)))
      .join('  ')
      .trimEnd();
  return [
    t.title,
    line(t.headers),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...t.rows.map(line),
    ...(t.notes ?? []).map((n) => `  * ${n}`),
  ].join('\n');
}

export function toMarkdown(t: Table): string {
  const row = (cells: string[]) => `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
  const rule = t.headers.map((_, c) => (alignOf(t, c) === 'left' ? ':---' : '---:'));
  return [
    `### ${t.title}`,
    '',
    row(t.headers),
    `|${rule.join('|')}|`,
    ...t.rows.map(row),
    ...(t.notes?.length ? ['', ...t.notes.map((n) => `- ${n}`)] : []),
  ].join('\n');
}

/** A number with `digits` significant-ish decimals, or '—' when missing. */
export function num(x: number | null | undefined, digits = 1): string {
  return x == null || !Number.isFinite(x) ? '—' : x.toFixed(digits);
}

export function times(x: number | null | undefined, digits = 2): string {
  return x == null || !Number.isFinite(x) ? '—' : `${x.toFixed(digits)}×`;
}
