/** Plain-text helpers for terminal output. */

/**
 * Neutralises what a terminal would obey rather than show: C0 controls but tab and newline (ESC
 * starts every escape sequence, CR overwrites the line, BEL rings), DEL, the C1 controls (CSI
 * U+009B works like ESC [ on some terminals) and the bidi overrides. Each becomes a visible
 * `\x1b`-style escape, so the logbook still shows that they were there.
 */
export function terminalSafe(text: string): string {
   
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (c) => {
    const n = c.charCodeAt(0);
    return n <= 0xff ? `\\x${n.toString(16).padStart(2, '0')}` : `\\u${n.toString(16).padStart(4, '0')}`;
  });
}

/** One line of a field: a newline inside it (a note written through the API) must not fake a new line of output. */
export function oneLine(text: string): string {
  return text.replace(/\r\n|\r|\n/g, ' ⏎ ');
}

/**
 * Left-aligned columns separated by two spaces; cells are cut at 60 characters, except the column
 * `wrap` (an index), which is kept whole: the last column, where a sentence may run on.
 */
export function table(header: readonly string[], rows: readonly (readonly string[])[], opts: { wrap?: number } = {}): string {
  const cut = (raw: string, i: number) => {
    const s = oneLine(raw).replace(/\t/g, ' ');
    return i === opts.wrap || s.length <= 60 ? s : `${s.slice(0, 59)}…`;
  };
  const all = [header, ...rows].map((r) => r.map(cut));
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  return all.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ').trimEnd()).join('\n');
}
