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
  }
  const [head, ...records] = rows;
  return { header: head ? head.fields.map((h) => h.trim().toLowerCase()) : [], records, errors };
}
