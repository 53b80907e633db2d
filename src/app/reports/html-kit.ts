/**
 * Shared pieces of the printable reports: escaping and one stylesheet. Everything inline, no web
 * fonts, no images, no scripts: the reports are printed with the network cut, on whatever printer
 * still works, often black and white. Status is therefore said in words and with borders/weights,
 * never by colour alone.
 */

/**
 * Escapes text for HTML element content and attribute values. Also neutralises what would change
 * how the rest reads without showing itself: NUL and the other control characters, and the bidi
 * overrides and isolates (U+202E turns "exe.txt" into "txt.exe" on paper). Each is shown as a
 * visible `[U+202E]` mark, so the print says that it was there and does what it says; a character
 * reference (`&#x202E;`) would still be obeyed by the browser.
 */
export function esc(s: string | number | undefined): string {
  return String(s ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
     
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (c) => `[U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}]`);
}

/** What a report needs of a signed checkpoint (src/core/checkpoint.ts). */
export interface PrintedCheckpoint {
  readonly seq: number;
  readonly hash: string;
  readonly origin: string;
  readonly at: string;
  readonly key: string;
  readonly keyId: string;
  readonly sig: string;
}

/**
 * The signed checkpoint printed on a report: whoever holds the paper can later prove that the
 * journal still contains what the report was made from (crisiscell verify --checkpoint).
 */
export function checkpointBlock(c: PrintedCheckpoint | undefined): string {
  if (c === undefined) return '';
  return `<div class="box checkpoint"><b>Signed checkpoint of the journal</b> — entry ${esc(c.seq)}, signed ${esc(c.at)}<br>
<span class="small">head hash</span> <span class="hash">${esc(c.hash)}</span><br>
<span class="small">journal (entry 1)</span> <span class="hash">${esc(c.origin)}</span><br>
<span class="small">ed25519 key</span> <span class="hash">${esc(c.key)}</span> <span class="small">fingerprint</span> <b>${esc(c.keyId)}</b><br>
<span class="small">signature</span> <span class="hash">${esc(c.sig)}</span><br>
<span class="small">Check it later: <span class="num">crisiscell verify --checkpoint "${esc(c.seq)}:${esc(c.hash)}"</span></span></div>`;
}

/** A4 portrait, 15 mm margins, system serif/sans fonts, a footer line with page numbers. */
export const PRINT_CSS = `
@page { size: A4; margin: 14mm 14mm 16mm 14mm; }
@page { @bottom-right { content: "page " counter(page) " / " counter(pages); font: 8pt sans-serif; } }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { font-family: "DejaVu Sans", "Liberation Sans", Arial, Helvetica, sans-serif; font-size: 9.5pt; line-height: 1.35; color: #000; background: #fff; margin: 0; }
header.doc { border-bottom: 2.5pt solid #000; padding-bottom: 4pt; margin-bottom: 8pt; }
header.doc h1 { font-size: 16pt; margin: 0 0 2pt 0; }
header.doc .meta { font-size: 9pt; }
.banner { border: 1.5pt solid #000; padding: 3pt 6pt; font-weight: bold; font-size: 8.5pt; letter-spacing: .04em; text-transform: uppercase; display: inline-block; margin-bottom: 6pt; }
h2 { font-size: 11.5pt; margin: 10pt 0 4pt 0; padding: 2pt 4pt; background: #e6e6e6; border-left: 4pt solid #000; break-after: avoid; page-break-after: avoid; }
h3 { font-size: 10pt; margin: 6pt 0 3pt 0; break-after: avoid; }
p { margin: 2pt 0 4pt 0; }
ul { margin: 2pt 0 4pt 0; padding-left: 14pt; }
li { margin: 1pt 0; }
table { width: 100%; border-collapse: collapse; margin: 3pt 0 6pt 0; break-inside: auto; }
tr { break-inside: avoid; page-break-inside: avoid; }
th, td { border: 0.6pt solid #000; padding: 2pt 4pt; vertical-align: top; text-align: left; }
th { background: #d9d9d9; font-weight: bold; }
thead { display: table-header-group; }
.summary li { margin: 2pt 0; }
.st { font-weight: bold; white-space: nowrap; }
.st-down, .st-overdue { font-weight: bold; text-decoration: underline; }
.st-down::before, .st-overdue::before { content: "\\25A0 "; }
.st-degraded::before, .st-due-soon::before { content: "\\25B2 "; }
.st-operational::before, .st-filed::before, .st-working::before { content: "\\25CB "; }
.st-unknown::before { content: "? "; }
.st-at-risk::before { content: "! "; }
.num { white-space: nowrap; font-family: "DejaVu Sans Mono", "Liberation Mono", monospace; font-size: 10pt; font-weight: bold; }
.small { font-size: 8pt; }
.muted { color: #333; }
.two { columns: 2; column-gap: 10mm; }
.box { border: 1pt solid #000; padding: 4pt 6pt; margin: 4pt 0; break-inside: avoid; }
.checkpoint .hash { font-family: "DejaVu Sans Mono", "Liberation Mono", monospace; font-size: 6.5pt; word-break: break-all; }
footer.doc { margin-top: 10pt; border-top: 0.8pt solid #000; padding-top: 3pt; font-size: 7.5pt; }
`;

/** A complete HTML document around `body`. */
export function htmlDocument(title: string, body: string, lang = 'en'): string {
  return `<!DOCTYPE html>
<html lang="${esc(lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${PRINT_CSS}</style>
</head>
<body>
${body}
</body>
</html>
`;
}

/** A status word with its print marker class: `s` is the status id (the marker), `words` what is printed (default the id). */
export function status(s: string, words: string = s): string {
  return `<span class="st st-${esc(s.replace(/[^a-z-]/g, ''))}">${esc(words.toUpperCase())}</span>`;
}
