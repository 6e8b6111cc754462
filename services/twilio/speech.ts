/**
 * The bot's chat texts, made to be heard: read by Amazon Polly (`Polly.Mia`, es-MX) on the phone, and the caller's
 * speech or keypad input turned back into the text the dialogs expect. Pure functions.
 *
 * Text-to-speech reads every symbol it sees, and a caller cannot click a link or re-read a list, so
 * {@link speakable} drops markdown, bullets, quotes, emoji and URLs, reads e-mail addresses, ticket numbers, phones
 * and extensions the way a person dictates them, and asks the caller to *say* what chat users are asked to *write*.
 */
import { spokenNumbersToDigits } from '../nlu/spoken-numbers';
import { DEFAULT_LANGUAGE, DEFAULT_VOICE } from './twiml';

/** Default voice and language of the phone channel. */
export const VOICE_DEFAULTS = { voice: DEFAULT_VOICE, language: DEFAULT_LANGUAGE } as const;

/** Twilio's limit on the length of one `<Gather hints>` phrase. */
export const HINT_MAX_CHARS = 100;
/** Upper bound on phrases we send in one `hints` attribute (Twilio allows many more; these are plenty). */
export const HINTS_MAX_PHRASES = 100;

const TERMINAL = /[.!?…:]$/;
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
const URL = /(?:\bhttps?:\/\/|\bwww\.)[^\s<>«»"“”]+|\b(?:[a-z0-9-]+\.)+(?:mx|com|org|net|edu|gob)(?:\/[^\s<>«»"“”]*)?(?![\w@.-]*@)/gi;
const TICKET = /\b([A-Z]{2,8})-(\d{4})-(\d{1,8})\b/g;
const PHONE = /(?<![\d+])(?:\+?52[\s.-]?)?(?:\(\d{2,3}\)\s?|\d{2,3}[\s.-]?)\d{3,4}[\s.-]?\d{4}(?!\d)/g;
const EXTENSION = /\b(extensi[oó]n|ext\.?)(\s*:?\s*)(\d{3,6})\b/gi;
const EMOJI = /\p{Extended_Pictographic}|[\u{1F1E6}-\u{1F1FF}]|[\u{1F3FB}-\u{1F3FF}]|\u200D|\uFE0E|\uFE0F|\u20E3/gu;
const BULLET = /^[•·▪◦‣∙●○■□➤➢►▶✓✔\-*+]\s+/;
const NUMBERED = /^(\d{1,2})[.)]\s+/;

/** Spoken form of an e-mail address: «ana.lopez@ipn.mx» → «ana punto lopez arroba ipn punto mx». */
function spokenEmail(address: string): string {
  const [local = '', domain = ''] = address.toLowerCase().split('@');
  const localWords = local
    .replace(/\./g, ' punto ')
    .replace(/_/g, ' guion bajo ')
    .replace(/-/g, ' guion ')
    .replace(/\+/g, ' más ');
  const domainWords = domain.replace(/\./g, ' punto ').replace(/-/g, ' guion ');
  return `${localWords} arroba ${domainWords}`.replace(/\s+/g, ' ').trim();
}

/** «CAU-2026-000123» → «C A U, 2026, guion, 1 2 3»: letters spelled, the year as a number, the sequence digit by digit. */
function spokenTicket(letters: string, year: string, sequence: string): string {
  const digits = sequence.replace(/^0+(?=\d)/, '').split('').join(' ');
  return `${letters.split('').join(' ')}, ${year}, guion, ${digits}`;
}

/** Ten-digit phones in pairs, as they are dictated in Mexico: «55 5729 6000» → «55, 57, 29, 60, 0 0». */
function spokenPhone(raw: string): string {
  let digits = raw.replace(/\D/g, '');
  if (digits.length === 12 && digits.startsWith('52')) digits = digits.slice(2);
  if (digits.length !== 10) return raw;
  const pairs = digits.match(/\d\d/g) ?? [];
  return pairs.map((pair) => (pair.startsWith('0') ? pair.split('').join(' ') : pair)).join(', ');
}

const URL_NOUN = /\b(p[aá]gina|sitio|portal|enlace|liga|link|direcci[oó]n)((?:\s+(?:web|de\s+internet|electr[oó]nica|oficial))?)\s*:?\s*$/i;
const URL_PREPOSITION = /\b(a|al|en|desde|de|del|para|hacia|por)\s*$/i;
const FALLBACK_PAGE = 'la página de internet correspondiente';

/** Drops URLs, keeping the sentence sensible: «Entre a https://…» → «Entre a la página de internet correspondiente». */
function withoutUrls(text: string): string {
  let out = '';
  let cursor = 0;
  for (const match of text.matchAll(URL)) {
    let url = match[0];
    const trailing = /[.,;:!?)\]]+$/.exec(url)?.[0] ?? '';
    url = url.slice(0, url.length - trailing.length);
    let before = out + text.slice(cursor, match.index);
    const noun = URL_NOUN.exec(before);
    const preposition = URL_PREPOSITION.exec(before);
    let replacement = '';
    if (noun !== null) {
      before = before.slice(0, noun.index).replace(/\bsiguiente\s+$/i, '') + noun[1] + noun[2];
      replacement = ' correspondiente';
    } else if (preposition !== null) {
      const word = preposition[1] ?? '';
      const lower = word.toLowerCase();
      const fixed = lower === 'al' ? 'a' : lower === 'del' ? 'de' : word;
      before = `${before.slice(0, preposition.index)}${fixed} `;
      replacement = FALLBACK_PAGE;
    } else if (/(?:^|[:(.!?¿¡,])\s*$/.test(before)) {
      before = before.replace(/\s*:\s*$/, ''); // «Más información: https://…» → «Más información.»
    } else {
      before = `${before.trimEnd()} `; // «Visite dae.ipn.mx para…» → «Visite la página … para…»
      replacement = FALLBACK_PAGE;
    }
    out = before + replacement;
    cursor = match.index + url.length;
  }
  return out + text.slice(cursor);
}

/** Chat verbs → voice verbs, only where the user is asked to write to the bot (not «escriba su NIP» in a portal). */
const WRITE_TO_SAY: Array<[RegExp, string]> = [
  [/\bescr[ií]bame\b/gi, 'dígame'],
  [/\bescr[ií]banos\b/gi, 'díganos'],
  [/\bescribirme\b/gi, 'decirme'],
  [/\bescribirnos\b/gi, 'decirnos'],
  [/\bescr[ií]bal([oa]s?)\b/gi, 'dígal$1'],
  [/\b(me\s+l[oa]s?\s+puede\s+)escribir\b/gi, '$1decir'],
  [/\bescribirl([oa]s?)\b/gi, 'decirl$1'],
  [/\bescriba(?=\s+«)/gi, 'diga'],
  [/\bescribir(?=\s+«)/gi, 'decir'],
  [/\bescriba(?=\s+su\s+n[uú]mero(?!\s+de\b))/gi, 'diga'],
  [/\b(d[ií]gal[oa]s?)\s+con\s+n[uú]meros\b/gi, '$1 número por número'],
  [/\ben\s+un\s+solo\s+mensaje\b/gi, 'de una vez'],
];

function preserveCase(original: string, replacement: string): string {
  const first = original.charAt(0);
  return first !== first.toLowerCase() ? replacement.charAt(0).toUpperCase() + replacement.slice(1) : replacement;
}

function writeToSay(text: string): string {
  let out = text;
  for (const [pattern, replacement] of WRITE_TO_SAY) {
    out = out.replace(pattern, (...args: unknown[]) => {
      const match = String(args[0]);
      const groups = args.slice(1, -2).map((g) => (typeof g === 'string' ? g : ''));
      const expanded = replacement.replace(/\$(\d)/g, (_m, n: string) => groups[Number(n) - 1] ?? '');
      return preserveCase(match, expanded);
    });
  }
  return out;
}

/** Markdown emphasis, code, links, headings and quotes out; the words stay. */
function withoutMarkdown(line: string): string {
  return line
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\[([^\]]+)\]\(([^)]*)\)/g, '$1')
    .replace(/<((?:https?:\/\/|mailto:)[^>]+)>/gi, '$1')
    .replace(/^#{1,6}\s+/, '')
    .replace(/^>\s?/, '')
    .replace(/`+/g, '')
    .replace(/(\*\*|__)(?=\S)(.+?)(?<=\S)\1/g, '$2')
    .replace(/(^|[^\w*])\*(?=\S)([^*]+?)(?<=\S)\*(?!\w)/g, '$1$2')
    .replace(/(^|[^\w])_(?=\S)([^_]+?)(?<=\S)_(?!\w)/g, '$1$2')
    .replace(/~~(.+?)~~/g, '$1');
}

const ORDINALS = ['Primero', 'Segundo', 'Tercero', 'Cuarto', 'Quinto', 'Sexto', 'Séptimo', 'Octavo', 'Noveno', 'Décimo'];

/** A numbered item that is a sentence (a step, a piece of information) rather than a short option label. */
const isSentence = (item: string): boolean => /[.!?]$/.test(item) || item.split(/\s+/).length > 8;

/**
 * Lines, bullets and numbered lists → sentences. A numbered list of short labels is read as options («Opción 1,
 * Correo.»); a numbered list of sentences (self-help steps) as «Primero, …. Segundo, ….».
 */
function linesToSentences(text: string): string {
  const lines = text.split(/\r?\n/).map((l) => withoutMarkdown(l.trim()).trim()).filter((l) => l !== '' && !/^[-*_=]{3,}$/.test(l));
  const items = lines.map((line) => NUMBERED.exec(line));
  const steps = items.some((m, i) => m !== null && isSentence((lines[i] ?? '').slice(m[0].length)));
  let out = '';
  lines.forEach((raw, i) => {
    const numbered = items[i];
    let line: string;
    if (numbered === null || numbered === undefined) {
      line = raw.replace(BULLET, '').trim();
    } else {
      const item = raw.slice(numbered[0].length).trim();
      const n = Number(numbered[1]);
      const ordinal = ORDINALS[n - 1];
      line = steps && ordinal !== undefined
        ? `${ordinal}, ${/^\p{Lu}\p{Ll}/u.test(item) ? item.charAt(0).toLowerCase() + item.slice(1) : item}`
        : `Opción ${n}, ${item}`;
    }
    if (line === '') return;
    if (out !== '') {
      // A line that ends mid-sentence («…, o») continues it; otherwise the previous line ends a sentence.
      const continues = /(?:,|;|\s(?:o|y|u|e))$/i.test(out);
      if (!continues && !TERMINAL.test(out)) out += '.';
      out += ' ';
    }
    out += line;
  });
  return out;
}

function tidy(text: string): string {
  return text
    .replace(/\s+/g, ' ')
    .replace(/\(\s*[,;:.]?\s*\)/g, '')
    .replace(/\s*\(\s*/g, ', ')
    .replace(/\s*\)\s*(?=[.,;:!?]|$)/g, '')
    .replace(/\s*\)\s*/g, ', ')
    .replace(/\s+([.,;:!?])/g, '$1')
    .replace(/([¿¡])\s+/g, '$1')
    .replace(/,(?:\s*,)+/g, ',')
    .replace(/[,:;]\s*([.!?])/g, '$1')
    .replace(/([.!?])\s*[,.;:]+/g, '$1')
    .replace(/\.{2,}/g, '.')
    .replace(/^[\s,.;:]+/, '')
    .replace(/([.!?])\s*¿\s*[,.]\s*/g, '$1 ¿')
    .replace(/([.!?])([^\s.!?])/g, (m, p: string, c: string) => (/[\p{L}¿¡«]/u.test(c) ? `${p} ${c}` : m))
    .trim();
}

/** Upper-cases the first letter of each sentence (after `;` became `.`). */
function capitalizeSentences(text: string): string {
  return text.replace(/(^|[.!?]\s+)([¿¡]?)(\p{Ll})/gu, (_m, lead: string, mark: string, letter: string) => lead + mark + letter.toUpperCase());
}

/**
 * The bot's chat text, for the phone: plain sentences that Polly.Mia reads well.
 *
 * - markdown, bullets, line breaks, «», quotes and emoji go; numbered options are read «Opción 1, Correo.» and
 *   numbered steps «Primero, reinicie el equipo. Segundo, …»;
 * - URLs are dropped with the sentence kept sensible («Entre a https://…» → «Entre a la página de internet
 *   correspondiente»); e-mail addresses are read («usuario arroba dominio punto mx»);
 * - ticket numbers are dictated («CAU-2026-000123» → «C A U, 2026, guion, 1 2 3»), ten-digit phones in pairs,
 *   extensions digit by digit («extensión 4 2 5 0 0»);
 * - «escríbame», «escriba «no tengo»», «puede escribir «menú»» → «dígame», «diga no tengo», «puede decir menú»;
 * - semicolons end sentences; parentheses become commas; symbols are read as words or dropped.
 */
export function speakable(text: string): string {
  if (!text) return '';
  let s = text.normalize('NFC').replace(EMOJI, '');
  s = linesToSentences(s);
  s = writeToSay(s); // before the quotes go: some rules look for «
  s = s.replace(EMAIL, (address) => spokenEmail(address));
  s = withoutUrls(s);
  s = s.replace(TICKET, (_m, letters: string, year: string, sequence: string) => spokenTicket(letters, year, sequence));
  s = s.replace(EXTENSION, (_m, word: string, gap: string, digits: string) => `${word}${gap.includes(':') ? ': ' : ' '}${digits.split('').join(' ')}`);
  s = s.replace(PHONE, (raw) => spokenPhone(raw));
  s = s
    .replace(/\bp\.\s?ej\./gi, 'por ejemplo')
    .replace(/\bNo\.\s?(?=\d)/g, 'número ')
    .replace(/\btel\.\s?(?=\d|:)/gi, 'teléfono ')
    .replace(/\bext\.(?=\s*:?\s*\d)/gi, 'extensión')
    .replace(/[«»“”„"]/g, '')
    .replace(/(?<=\p{L})_(?=[\p{L}\d])|(?<=\d)_(?=\p{L})/gu, ' ')
    .replace(/\s*&\s*/g, ' y ')
    .replace(/(\d)\s*%/g, '$1 por ciento')
    .replace(/#\s*(?=\d)/g, 'número ')
    .replace(/(?<=\p{L})\/(?=\p{L})/gu, ' o ')
    .replace(/\s*[→⇒➔]\s*/g, ', ')
    .replace(/…/g, '.')
    .replace(/\s+[-–—]\s+/g, ', ')
    .replace(/[*#|~^<>[\]{}=\\]/g, ' ')
    .replace(/;/g, '.');
  s = capitalizeSentences(tidy(s));
  s = s.replace(/[\s,;:]+$/, '');
  if (s !== '' && !/[.!?]$/.test(s)) s += '.';
  return s;
}

const ACCENTS = /[\u0300-\u036f]/g;

/** Lower case, no accents, no punctuation, single spaces: for comparing what was said with an option. */
export function normalizeSpoken(text: string): string {
  return text
    .normalize('NFD')
    .replace(ACCENTS, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** A menu read to the caller: what to say, which key picks which option, and the phrases to hint to recognition. */
export interface SpokenMenu {
  text: string;
  /** Key → option text exactly as given (what the dialog expects back). */
  dtmf: Record<string, string>;
  /** Phrases the caller may say (for `hintsFor`). */
  hints: string[];
}

/** A label as said: speakable, without the final period or inner commas. */
function spokenLabel(option: string): string {
  return speakable(option).replace(/[.!?]+$/, '').replace(/[,;:]/g, '').replace(/\s+/g, ' ').trim();
}

/**
 * Suggested actions as a spoken menu: «Para Sí, diga sí o marque 1. Para No, diga no o marque 2.» Keys 1–9 go
 * to the first nine options; long labels (more than four words) are read «Para …, marque N.» to keep it short; a
 * tenth option onwards can only be said.
 */
export function spokenMenu(options: readonly string[]): SpokenMenu {
  const sentences: string[] = [];
  const dtmf: Record<string, string> = {};
  const hints: string[] = [];
  let key = 0;
  for (const option of options) {
    const label = spokenLabel(option);
    if (label === '') continue;
    const said = label.toLowerCase();
    hints.push(said);
    key += 1;
    if (key <= 9) {
      dtmf[String(key)] = option;
      sentences.push(label.split(' ').length > 4 ? `Para ${label}, marque ${key}.` : `Para ${label}, diga ${said} o marque ${key}.`);
    } else {
      sentences.push(`Para ${label}, diga ${said}.`);
    }
  }
  return { text: sentences.join(' '), dtmf, hints: [...new Set(hints)] };
}

const DIGIT_WORDS: Record<string, string> = {
  uno: '1', una: '1', dos: '2', tres: '3', cuatro: '4', cinco: '5', seis: '6', siete: '7', ocho: '8', nueve: '9', cero: '0',
  primera: '1', primero: '1', segunda: '2', segundo: '2', tercera: '3', tercero: '3', cuarta: '4', cuarto: '4', quinta: '5', quinto: '5',
};
const MENU_FILLERS = new Set(['la', 'el', 'opcion', 'numero', 'marco', 'marque', 'oprimo', 'presiono', 'elijo', 'quiero', 'a', 'de', 'por', 'favor', 'este', 'pues', 'eh', 'mm']);
const NUMBER_FILLERS = new Set([
  'es', 'el', 'la', 'mi', 'su', 'numero', 'extension', 'ext', 'telefono', 'tel', 'celular', 'cel', 'reporte', 'folio', 'ticket',
  'de', 'del', 'a', 'por', 'favor', 'este', 'pues', 'eh', 'mm', 'bueno', 'si', 'ok', 'okay', 'cau', 'y', 'con',
]);

/** The option the caller picked by saying its label or its number («uno», «la dos», «opción 3»), if any. */
function spokenChoice(speech: string, menu: Record<string, string>): string | undefined {
  const said = normalizeSpoken(speech);
  for (const option of Object.values(menu)) {
    if (normalizeSpoken(option) === said || normalizeSpoken(spokenLabel(option)) === said) return option;
  }
  const words = said.split(' ').filter((w) => w !== '' && !MENU_FILLERS.has(w));
  if (words.length !== 1) return undefined;
  const word = words[0] ?? '';
  const digit = /^\d$/.test(word) ? word : DIGIT_WORDS[word];
  return digit === undefined ? undefined : menu[digit];
}

/**
 * What the caller answered, as the text a chat user would have written.
 *
 * - keys: a key of `menu` → that option; otherwise the digits as typed (without the `#` that ends them);
 * - speech that names a menu option or its number → the option;
 * - speech that is a number answer (an extension, a phone, a ticket: «cuatro dos cinco cero cero», «mi extensión
 *   es cuarenta y dos quinientos») → numbers in digits, a number dictated in groups joined («55 12 34» → «551234»);
 * - any other speech → as recognized; nothing → ''.
 */
export function inputToText(input: { speech?: string; digits?: string }, menu?: Record<string, string>): string {
  const digits = (input.digits ?? '').trim().replace(/#+$/, '');
  if (digits !== '') return menu?.[digits] ?? digits;
  const speech = (input.speech ?? '').trim();
  if (speech === '') return '';
  if (menu !== undefined) {
    const choice = spokenChoice(speech, menu);
    if (choice !== undefined) return choice;
  }
  const converted = spokenNumbersToDigits(speech, 'es');
  if (!/\d/.test(converted)) return speech;
  const words = normalizeSpoken(converted).split(' ').filter((w) => /\p{L}/u.test(w) && !NUMBER_FILLERS.has(w));
  if (words.length > 1) return speech;
  const bare = converted.replace(/[.!?]+$/, '').trim();
  return /^\d[\d\s.,-]*\d$/.test(bare) ? bare.replace(/[\s.,-]/g, '') : bare;
}

/**
 * `<Gather hints>`: the phrases comma-separated, each without punctuation (a comma would split it), at most
 * {@link HINT_MAX_CHARS} characters (cut at a word), without repeats (ignoring case and accents), at most
 * {@link HINTS_MAX_PHRASES} phrases.
 */
export function hintsFor(texts: readonly string[]): string {
  const seen = new Set<string>();
  const phrases: string[] = [];
  for (const text of texts) {
    let phrase = text
      .replace(/[«»“”"¿?¡!.,;:()[\]{}]/g, ' ')
      .replace(/\s+/g, ' ')
      .trim()
      .toLowerCase();
    if (phrase.length > HINT_MAX_CHARS) {
      const cut = phrase.slice(0, HINT_MAX_CHARS + 1);
      const space = cut.lastIndexOf(' ');
      phrase = (space > 0 ? cut.slice(0, space) : cut.slice(0, HINT_MAX_CHARS)).trim();
    }
    const key = normalizeSpoken(phrase);
    if (phrase === '' || seen.has(key)) continue;
    seen.add(key);
    phrases.push(phrase);
    if (phrases.length >= HINTS_MAX_PHRASES) break;
  }
  return phrases.join(', ');
}
