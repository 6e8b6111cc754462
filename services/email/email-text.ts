/**
 * The new part of an incoming mail: what the person wrote, without the quoted conversation below it (Gmail, Apple
 * Mail, Thunderbird, Outlook desktop and web, in Spanish and English), their signature after the RFC 3676 `-- `
 * line, mobile sign-offs («Enviado desde mi iPhone») and legal disclaimers. The person's closing and name
 * («Saludos, Juan Pérez») stay: the bot uses the name. Pure functions.
 */
/** What {@link extractReply} separates. Each part is normalized; `body` is '' when the mail is only a quote. */
export interface ExtractedReply {
  body: string;
  quoted: string;
  signature: string;
}

/** `-----Mensaje original-----`, `---------- Forwarded message ---------` and the like. */
const ORIGINAL_MESSAGE =
  /^\s*-{2,}\s*(?:mensaje original|original message|mensaje reenviado|forwarded message)\s*-{2,}\s*$|^\s*(?:inicio del mensaje reenviado|begin forwarded message)\s*:\s*$/i;
/** «El lun, 3 nov 2025 a las 10:15, Juan (<j@x.mx>) escribió:», «On Mon, Nov 3, 2025 at 10:15 AM John <j@x.com> wrote:». */
const ATTRIBUTION = /^\s*(?:El\s.*\sescribi[óo]|On\s.*\swrote)\s*:\s*$/i;
const ATTRIBUTION_START = /^\s*(?:El|On)\s/i;
const MAX_ATTRIBUTION_LINES = 3;
const FROM_HEADER = /^\s*\*?(?:de|from)\s*:/i;
const OTHER_HEADER = /^\s*\*?(enviado(?: el)?|sent|fecha|date|para|to|cc|asunto|subject)\s*:/i;
/** How far below a «De:» line the rest of the header block is looked for. */
const HEADER_BLOCK_LINES = 6;
const SEPARATOR = /^\s*(?:_{8,}|-{8,}|\*{8,}|={8,})\s*$/;
const QUOTED = /^\s*>/;
const SIGNATURE_DELIMITER = /^--\s?$/;
/** Mobile and webmail sign-offs; only removed at the very end of the text. */
const SIGN_OFF = new RegExp(
  [
    String.raw`enviado desde mi (?:iphone|ipad|dispositivo|tel[eé]fono|celular|smartphone|m[oó]vil|samsung|galaxy|huawei|xiaomi|motorola|android|blackberry)\b`,
    String.raw`enviado desde (?:outlook|yahoo|correo|mail)\b`,
    String.raw`obtener outlook para\b`,
    String.raw`get outlook for\b`,
    String.raw`sent from (?:my|outlook|yahoo|mail)\b`,
  ]
    .map((p) => `^\\s*${p}.{0,120}$`)
    .join('|'),
  'i',
);
/** First lines of legal disclaimers; everything from there on is removed. */
const DISCLAIMER =
  /^\s*(?:aviso de confidencialidad|aviso de privacidad|confidentiality notice|este correo electr[oó]nico y sus anexos|este mensaje y sus anexos|la informaci[oó]n contenida en este (?:correo|mensaje)|this e-?mail and any (?:attachments|files))/i;

/** Splits the plain text of a mail (or its HTML, converted, when the text is empty) into body, quote and signature. */
export function extractReply(text: string, options?: { html?: string }): ExtractedReply {
  const source = text.trim() === '' && options?.html ? htmlToText(options.html) : text;
  const { own, quoted } = splitQuote(source.replace(/\r\n?/g, '\n').replace(/\u00a0/g, ' ').split('\n'));
  const signatureAt = signatureStart(own);
  return {
    body: normalizeText(own.slice(0, signatureAt).join('\n')),
    quoted: normalizeText(quoted.join('\n')),
    signature: normalizeText(own.slice(signatureAt).join('\n')),
  };
}

/** Right-trimmed lines, LF line ends, runs of blank lines collapsed to one, trimmed. */
export function normalizeText(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((l) => l.trimEnd())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/**
 * Separates the person's lines from the quoted ones: `>` lines (wherever they are, so bottom-posted and interleaved
 * replies keep their text) with the «… escribió:» line above them; and everything from an unquoted original on
 * («-----Mensaje original-----», an Outlook header block, an attribution not followed by `>` lines).
 */
function splitQuote(lines: string[]): { own: string[]; quoted: string[] } {
  const own: string[] = [];
  const quoted: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const attribution = attributionLines(lines, i);
    if (QUOTED.test(line)) quoted.push(line);
    else if (attribution > 0 && nextIsQuoted(lines, i + attribution)) {
      quoted.push(...lines.slice(i, i + attribution));
      i += attribution - 1;
    } else if (ORIGINAL_MESSAGE.test(line) || attribution > 0) {
      quoted.push(...lines.slice(i));
      break;
    } else if (FROM_HEADER.test(line) && isHeaderBlock(lines, i)) {
      const start = withSeparatorAbove(lines, i);
      own.splice(own.length - (i - start));
      quoted.push(...lines.slice(start));
      break;
    } else own.push(line);
  }
  return { own, quoted };
}

/** How many lines (1–3) an «El … escribió:» / «On … wrote:» line starting at `i` takes; 0 when it is not one. */
function attributionLines(lines: string[], i: number): number {
  if (!ATTRIBUTION_START.test(lines[i] as string)) return 0;
  let joined = '';
  for (let k = i; k < Math.min(lines.length, i + MAX_ATTRIBUTION_LINES); k++) {
    const line = lines[k] as string;
    if (k > i && (line.trim() === '' || ATTRIBUTION_START.test(line) || QUOTED.test(line))) return 0;
    joined = `${joined} ${line.trim()}`;
    if (ATTRIBUTION.test(joined) && /\d/.test(joined) && joined.length < 400) return k - i + 1;
  }
  return 0;
}

/** Whether the first non-blank line from `i` on is a `>` line. */
function nextIsQuoted(lines: string[], i: number): boolean {
  let k = i;
  while (k < lines.length && (lines[k] as string).trim() === '') k++;
  return k < lines.length && QUOTED.test(lines[k] as string);
}

/** A «De:/From:» line followed closely by two different ones of «Enviado/Sent/Fecha/Date/Para/To/CC/Asunto/Subject:». */
function isHeaderBlock(lines: string[], i: number): boolean {
  const names = lines
    .slice(i + 1, i + 1 + HEADER_BLOCK_LINES)
    .map((l) => OTHER_HEADER.exec(l)?.[1]?.toLowerCase())
    .filter((name) => name !== undefined);
  return new Set(names).size >= 2;
}

/** Moves the cut above a «____» separator line (blank lines between allowed). */
function withSeparatorAbove(lines: string[], i: number): number {
  let k = i - 1;
  while (k >= 0 && (lines[k] as string).trim() === '') k--;
  return k >= 0 && SEPARATOR.test(lines[k] as string) ? k : i;
}

/** The index where the signature starts: the `-- ` line, else a trailing disclaimer and sign-offs. */
function signatureStart(lines: string[]): number {
  const delimiter = lines.findIndex((l) => SIGNATURE_DELIMITER.test(l));
  const disclaimer = lines.findIndex((l) => DISCLAIMER.test(l));
  let end = [delimiter, disclaimer].filter((i) => i >= 0).reduce((a, b) => Math.min(a, b), lines.length);
  if (end === disclaimer) end = withSeparatorAbove(lines, end);
  for (let k = end - 1; k >= 0; k--) {
    const line = lines[k] as string;
    if (line.trim() === '') continue;
    if (!SIGN_OFF.test(line)) break;
    end = k;
  }
  return end;
}

// ---------------------------------------------------------------------------------------------------------------
// HTML to text, for mails that have no text/plain part.

/** Elements whose content is never text. */
const HIDDEN = new Set(['head', 'style', 'script', 'title', 'xml', 'template', 'noscript']);
/** Elements that start and end a line. */
const BLOCK = new Set([
  'address', 'article', 'aside', 'center', 'dd', 'div', 'dl', 'dt', 'fieldset', 'figcaption', 'figure', 'footer',
  'form', 'header', 'main', 'nav', 'ol', 'pre', 'section', 'table', 'tbody', 'tfoot', 'thead', 'tr', 'ul',
]);
/** Elements that stand apart by a blank line. */
const PARAGRAPH = new Set(['p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6']);
/** Containers mail clients put the quoted conversation in, by class. */
const QUOTE_CLASS = /(?:^|\s)(?:gmail_quote|yahoo_quoted)(?:\s|$)/i;
const NAMED_ENTITIES: Readonly<Record<string, string>> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', iexcl: '¡', iquest: '¿', laquo: '«', raquo: '»',
  ordf: 'ª', ordm: 'º', deg: '°', copy: '©', reg: '®', middot: '·', bull: '•', hellip: '…', ndash: '–', mdash: '—',
  lsquo: '‘', rsquo: '’', ldquo: '“', rdquo: '”', euro: '€', aacute: 'á', eacute: 'é', iacute: 'í', oacute: 'ó',
  uacute: 'ú', Aacute: 'Á', Eacute: 'É', Iacute: 'Í', Oacute: 'Ó', Uacute: 'Ú', ntilde: 'ñ', Ntilde: 'Ñ', uuml: 'ü',
  Uuml: 'Ü', agrave: 'à', egrave: 'è', ccedil: 'ç', Ccedil: 'Ç',
};

/** One output line and how many quote levels (`> `) it sits in. */
interface Line {
  depth: number;
  text: string;
}

/** Collects the text of the walked HTML into lines, with the quote depth and lists it is in. */
class TextLines {
  private readonly lines: Line[] = [];
  private current: Line = { depth: 0, text: '' };
  /** The last character added, kept apart because reading it from the growing string would copy it each time. */
  private lastChar = '';
  private readonly divs: boolean[] = [];
  private readonly lists: { ordered: boolean; n: number }[] = [];
  depth = 0;
  pre = 0;

  /** Appends text; outside `<pre>`, a space is not repeated and does not start a line. */
  add(text: string, raw = false): void {
    const atSpace = this.current.text === '' || this.lastChar === ' ';
    const s = raw || this.pre || !atSpace ? text : text.replace(/^ +/, '');
    if (s === '') return;
    if (this.current.text === '') this.current.depth = this.depth;
    this.current.text += s;
    this.lastChar = s.charAt(s.length - 1);
  }

  /** Ends the current line, even an empty one (`<br>`). */
  newline(): void {
    if (this.current.text === '') this.current.depth = this.depth;
    this.lines.push(this.current);
    this.current = { depth: this.depth, text: '' };
  }

  /** Ends the current line if it has text. */
  endLine(): void {
    if (this.current.text.trim() !== '') this.newline();
    else this.current = { depth: this.depth, text: '' };
  }

  /** Ends the current line and leaves one blank line after it. */
  endParagraph(): void {
    this.endLine();
    const last = this.lines[this.lines.length - 1];
    if (last && last.text.trim() !== '') this.newline();
  }

  /** Handles one tag (`attrs` is the whole start tag, for its class). */
  tag(name: string, closing: boolean, attrs: string): void {
    if (name === 'br') this.newline();
    else if (name === 'hr') this.rule();
    else if (name === 'blockquote') this.quote(!closing);
    else if (name === 'div') this.div(closing, attrs);
    else if (name === 'ol' || name === 'ul') this.list(closing, name === 'ol');
    else if (name === 'li' && !closing) this.item();
    else if (name === 'pre') this.preformatted(closing);
    else if (name === 'p' && /\bMso/i.test(classOf(attrs))) this.endLine(); // Outlook writes one <p> per line
    else if (PARAGRAPH.has(name)) this.endParagraph();
    else if (BLOCK.has(name) || name === 'li') this.endLine();
    else if ((name === 'td' || name === 'th') && !closing) this.add(' ');
  }

  /** `<hr>`: the separator line Outlook puts above a quoted header block. */
  private rule(): void {
    this.endLine();
    this.add('________________________________');
    this.newline();
  }

  /** Enters or leaves a quote. */
  private quote(open: boolean): void {
    this.endLine();
    this.depth = Math.max(0, this.depth + (open ? 1 : -1));
  }

  /** A `<div>`, a quote when its class says so (Gmail, Yahoo). */
  private div(closing: boolean, attrs: string): void {
    if (!closing) {
      const quote = QUOTE_CLASS.test(classOf(attrs));
      this.divs.push(quote);
      if (quote) this.quote(true);
    } else if (this.divs.pop()) this.quote(false);
    this.endLine();
  }

  /** Enters or leaves a list. */
  private list(closing: boolean, ordered: boolean): void {
    this.endLine();
    if (closing) this.lists.pop();
    else this.lists.push({ ordered, n: 0 });
  }

  /** A list item: `1. ` or `- `, indented by nesting. */
  private item(): void {
    this.endLine();
    const list = this.lists[this.lists.length - 1];
    const indent = '  '.repeat(Math.max(0, this.lists.length - 1));
    this.add(`${indent}${list?.ordered ? `${++list.n}.` : '-'} `, true);
  }

  /** Enters or leaves `<pre>`, where whitespace is kept. */
  private preformatted(closing: boolean): void {
    this.endLine();
    this.pre = Math.max(0, this.pre + (closing ? -1 : 1));
  }

  /** The lines, quoted ones prefixed with `> ` per level. */
  toString(): string {
    this.endLine();
    return this.lines.map((l) => `${'> '.repeat(l.depth)}${l.text}`.trimEnd()).join('\n');
  }
}

/** A small, safe HTML-to-text converter for mail bodies; quoted containers become `> ` lines. */
export function htmlToText(html: string): string {
  const out = new TextLines();
  const unclosed = new Set<string>();
  let nextGt = -1;
  let pos = 0;
  while (pos < html.length) {
    const lt = html.indexOf('<', pos);
    if (lt < 0) break;
    if (lt > pos) addText(out, html.slice(pos, lt));
    if (html.startsWith('<!--', lt)) {
      const end = html.indexOf('-->', lt + 4);
      pos = end < 0 ? html.length : end + 3;
      continue;
    }
    if (nextGt < lt) nextGt = html.indexOf('>', lt) >>> 0; // none: 2^32 - 1, so it is never searched again
    const tag = nextGt >= html.length ? null : /^<(\/?)([A-Za-z][\w:-]*)|^<[!?]/.exec(html.slice(lt, Math.min(nextGt, lt + 64)));
    if (!tag) {
      out.add('<');
      pos = lt + 1;
      continue;
    }
    pos = nextGt + 1;
    const name = (tag[2] ?? '').toLowerCase();
    if (HIDDEN.has(name) && tag[1] !== '/') pos = skipHidden(html, name, pos, unclosed);
    else if (name) out.tag(name, tag[1] === '/', html.slice(lt, nextGt));
  }
  if (pos < html.length) addText(out, html.slice(pos));
  return normalizeText(out.toString());
}

/**
 * The position after the end tag of a hidden element (`<style>`…); an unclosed one hides the rest, except `<head>`,
 * which is then ignored (`unclosed` remembers it, so the search is not repeated).
 */
function skipHidden(html: string, name: string, pos: number, unclosed: Set<string>): number {
  if (unclosed.has(name)) return pos;
  const end = new RegExp(`</${name}\\s*>`, 'ig');
  end.lastIndex = pos;
  const found = end.exec(html);
  if (found) return found.index + found[0].length;
  unclosed.add(name);
  return name === 'head' ? pos : html.length;
}

/** Adds a text node: whitespace collapsed (except in `<pre>`), entities decoded. */
function addText(out: TextLines, raw: string): void {
  if (out.pre) {
    decodeEntities(raw)
      .split(/\r\n?|\n/)
      .forEach((part, i) => {
        if (i > 0) out.newline();
        out.add(part);
      });
    return;
  }
  out.add(decodeEntities(raw.replace(/[ \t\n\r\f]+/g, ' ')).replace(/\u00a0/g, ' '));
}

/** The class attribute of a start tag. */
function classOf(tag: string): string {
  const m = /\sclass\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))/i.exec(tag);
  return m ? (m[1] ?? m[2] ?? m[3] ?? '') : '';
}

/** Decodes numeric entities and the named ones mail clients use (Spanish accents included). */
export function decodeEntities(text: string): string {
  return text.replace(/&(?:#(\d{1,7})|#[xX]([0-9A-Fa-f]{1,6})|([A-Za-z][A-Za-z0-9]{1,31}));/g, (match, dec, hex, name) => {
    if (name !== undefined) return Object.hasOwn(NAMED_ENTITIES, name as string) ? (NAMED_ENTITIES[name as string] as string) : match;
    const code = dec !== undefined ? Number.parseInt(dec as string, 10) : Number.parseInt(hex as string, 16);
    const valid = code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff);
    return valid ? String.fromCodePoint(code) : '\ufffd';
  });
}
