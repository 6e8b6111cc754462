/**
 * The body of an e-mail the bot sends: the same content as readable plain text and as simple HTML (every piece of
 * text escaped, inline styles only, lists as `<ol>`/`<ul>`, the person's original mail quoted at the end under
 * «El {fecha}, {remitente} escribió:»). Paragraphs may hold `1. `/`- ` list lines and `**bold**`. Pure functions.
 */
import { escapeHtml } from '../http/escape-html';

/** The mail being answered, quoted at the end of the reply. */
export interface EmailQuote {
  /** As it is shown: `Juan Pérez <juan@uni.mx>`. */
  from: string;
  date: Date;
  text: string;
  /** IANA zone the date is shown in, e.g. `America/Mexico_City`. */
  timeZone: string;
}

/** What a reply says: an optional greeting, paragraphs, the signature lines and an optional quote. */
export interface EmailContent {
  paragraphs: string[];
  greeting?: string;
  signature: string[];
  quote?: EmailQuote;
}

/** A run of lines of one kind inside a paragraph. */
interface Block {
  kind: 'p' | 'ol' | 'ul';
  lines: string[];
}

const ORDERED = /^\s*(\d{1,3})[.)]\s+/;
const UNORDERED = /^\s*[-•]\s+/;
const BOLD = /\*\*([^*\n]+)\*\*/g;
const STYLE = {
  body: 'margin:0;padding:16px;font-family:Arial,Helvetica,sans-serif;font-size:15px;line-height:1.5;color:#1f1f1f',
  p: 'margin:0 0 1em',
  list: 'margin:0 0 1em;padding-left:1.5em',
  signature: 'margin:1.5em 0 1em;color:#555',
  attribution: 'margin:1.5em 0 .5em;color:#555',
  quote: 'margin:0;padding:0 0 0 1em;border-left:3px solid #ccc;color:#555',
} as const;

/** The plain-text and HTML bodies of a reply. */
export function composeEmail(p: EmailContent): { text: string; html: string } {
  const paragraphs = [p.greeting ?? '', ...p.paragraphs].map(cleanLines).filter((lines) => lines.length > 0);
  const signature = cleanLines(p.signature.join('\n'));
  return { text: composeText(paragraphs, signature, p.quote), html: composeHtml(paragraphs, signature, p.quote) };
}

/** The lines of a piece of text: LF line ends, right-trimmed, without blank lines at either end. */
function cleanLines(text: string): string[] {
  const lines = text.replace(/\r\n?/g, '\n').split('\n').map((l) => l.trimEnd());
  while (lines.length > 0 && lines[0] === '') lines.shift();
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** The plain-text body: paragraphs apart by blank lines, `**` dropped, the quote as `> ` lines. */
function composeText(paragraphs: string[][], signature: string[], quote: EmailQuote | undefined): string {
  const parts = paragraphs.map((lines) => lines.map(plain).join('\n'));
  if (signature.length > 0) parts.push(signature.map(plain).join('\n'));
  if (quote) {
    const quoted = cleanLines(quote.text).map((l) => (l ? `> ${l}` : '>'));
    parts.push([attribution(quote), ...quoted].join('\n'));
  }
  return `${parts.join('\n\n')}\n`;
}

/** The HTML body: a small, escaped document with inline styles. */
function composeHtml(paragraphs: string[][], signature: string[], quote: EmailQuote | undefined): string {
  const body = paragraphs.flatMap((lines) => blocks(lines).map(blockHtml));
  if (signature.length > 0) body.push(`<p style="${STYLE.signature}">${signature.map(inline).join('<br>')}</p>`);
  if (quote) {
    const quoted = cleanLines(quote.text).map(escapeHtml).join('<br>\n');
    body.push(`<p style="${STYLE.attribution}">${escapeHtml(attribution(quote))}</p>`);
    body.push(`<blockquote style="${STYLE.quote}">${quoted}</blockquote>`);
  }
  return [
    '<!doctype html>',
    '<html lang="es-MX">',
    '<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"></head>',
    `<body style="${STYLE.body}">`,
    ...body,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/** Splits a paragraph's lines into runs of text, numbered-list and bulleted-list lines. */
function blocks(lines: string[]): Block[] {
  const out: Block[] = [];
  for (const line of lines) {
    const kind = ORDERED.test(line) ? 'ol' : UNORDERED.test(line) ? 'ul' : 'p';
    const last = out[out.length - 1];
    if (last && last.kind === kind) last.lines.push(line);
    else out.push({ kind, lines: [line] });
  }
  return out;
}

/** One block as HTML; a numbered list keeps its first number. */
function blockHtml(block: Block): string {
  if (block.kind === 'p') return `<p style="${STYLE.p}">${block.lines.map(inline).join('<br>')}</p>`;
  const marker = block.kind === 'ol' ? ORDERED : UNORDERED;
  const items = block.lines.map((l) => `<li>${inline(l.replace(marker, ''))}</li>`).join('');
  const first = Number(ORDERED.exec(block.lines[0] as string)?.[1] ?? 1);
  const start = block.kind === 'ol' && first !== 1 ? ` start="${first}"` : '';
  return `<${block.kind}${start} style="${STYLE.list}">${items}</${block.kind}>`;
}

/** A line as HTML: escaped, `**bold**` as `<strong>`. */
function inline(line: string): string {
  return escapeHtml(line).replace(BOLD, '<strong>$1</strong>');
}

/** A line as plain text: `**bold**` without the asterisks. */
function plain(line: string): string {
  return line.replace(BOLD, '$1');
}

/** «El 3 de noviembre de 2025 a las 10:15, Juan Pérez <juan@uni.mx> escribió:» in the quote's time zone. */
function attribution(quote: EmailQuote): string {
  const date = new Intl.DateTimeFormat('es-MX', { dateStyle: 'long', timeZone: quote.timeZone }).format(quote.date);
  const time = new Intl.DateTimeFormat('es-MX', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: quote.timeZone }).format(quote.date);
  return `El ${date} a las ${time}, ${quote.from.replace(/\s+/g, ' ').trim()} escribió:`;
}
