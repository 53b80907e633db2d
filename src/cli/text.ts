/** Plain-text helpers for terminal output. */

/**
 * Left-aligned columns separated by two spaces; cells are cut at 60 characters, except the column
 * `wrap` (an index), which is kept whole: the last column, where a sentence may run on.
 */
export function table(header: readonly string[], rows: readonly (readonly string[])[], opts: { wrap?: number } = {}): string {
  const cut = (s: string, i: number) => (i === opts.wrap || s.length <= 60 ? s : `${s.slice(0, 59)}…`);
  const all = [header, ...rows].map((r) => r.map(cut));
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  return all.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ').trimEnd()).join('\n');
}
