/**
 * A small RFC 4180 CSV reader: quoted fields, doubled quotes, CRLF or LF, a header row. Each record
 * keeps the line it starts on so that errors can say `file:line`.
 */
export interface CsvRecord {
  readonly line: number;
  readonly fields: readonly string[];
}

export interface CsvResult {
  readonly header: readonly string[];
  readonly records: readonly CsvRecord[];
  /** Structural problems (unterminated quote, stray quote) with their line. */
  readonly errors: readonly { readonly line: number; readonly message: string }[];
}

export function parseCsv(text: string): CsvResult {
  const g = parseCsvSteps(text);
  for (;;) {
    const r = g.next();
    if (r.done) return r.value;
  }
}

/**
 * The same, as steps: it pauses (yields) every few thousand records, so that a caller with an
 * event loop to keep (the server importing a 30 MB estate) can let others in between.
 */
export function* parseCsvSteps(text: string): Generator<void, CsvResult, void> {
  const rows: CsvRecord[] = [];
  const errors: { line: number; message: string }[] = [];
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0; // a BOM from spreadsheet exports
  let line = 1;
  const n = text.length;
  while (i < n) {
    const startLine = line;
    const fields: string[] = [];
    let field = '';
    let inQuotes = false;
    let quotedField = false;
    for (; i < n; i++) {
      const c = text[i];
      if (inQuotes) {
        if (c === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i++;
          } else inQuotes = false;
        } else {
          if (c === '\n') line++;
          field += c;
        }
        continue;
      }
      if (c === '"') {
        if (field.trim() === '' && !quotedField) {
          inQuotes = true;
          quotedField = true;
          field = '';
        } else {
          errors.push({ line, message: 'a quote inside an unquoted field (quote the whole field and double inner quotes)' });
          field += c;
        }
      } else if (c === ',') {
        fields.push(quotedField ? field : field.trim());
        field = '';
        quotedField = false;
      } else if (c === '\n' || c === '\r') {
        if (c === '\r' && text[i + 1] === '\n') i++;
        i++;
        line++;
        break;
      } else {
        field += c;
      }
    }
    if (inQuotes) errors.push({ line: startLine, message: 'a quoted field is never closed' });
    fields.push(quotedField ? field : field.trim());
    const blank = fields.length === 1 && fields[0] === '';
    const comment = fields[0]?.startsWith('#') === true;
    if (!blank && !comment) rows.push({ line: startLine, fields });
    if ((rows.length & 2047) === 0) yield;
  }
  const [head, ...records] = rows;
  return { header: head ? head.fields.map((h) => h.trim().toLowerCase()) : [], records, errors };
}

/**
 * One field of a CSV the product writes (hunt detections, exports): quoted when it holds a comma,
 * a quote or a line break, and neutralised when a spreadsheet would take it for a formula — a
 * text starting with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'` (OWASP's
 * advice against CSV injection), so `=cmd|' /C calc'!A0` written into the logbook by an attacker
 * is shown, never run. Numbers are written as they are.
 */
export function csvField(v: string | number | undefined | null): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'number') return String(v);
  const s = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
