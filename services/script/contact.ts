/**
 * Extension, phone and email of a requester, from the answers to the attention script's questions. Built on
 * `extractEntities` (spoken numbers and spoken addresses already handled there); this module adds what a dialog needs
 * to react: "no tengo" (`none`), a malformed value (`invalid`, with the reason, so the bot can say «El teléfono debe
 * tener 10 dígitos»), or nothing at all (`absent`).
 */
import { extractEntities, type Entities } from '../nlu/entities';
import { spokenNumbersToDigits } from '../nlu/spoken-numbers';
import { damerauLevenshtein } from './natural-parts';
import { COMMON_WORDS, STOPWORDS, foldCase, foldWords, wordPattern } from './text';

/** Why a value was refused. */
export type InvalidReason =
  /** Wrong number of digits: a phone needs 10, an extension 3 to 6. */
  | 'length'
  /** Digits of the right length that cannot be a Mexican number (starting with 0 or 1), or a malformed address. */
  | 'format'
  /** An address whose domain has no dot, or no valid top-level domain ("juan@ipn"). */
  | 'domain'
  /**
   * A well-formed address with an obvious typing error in a common domain ("gmial.com", "alumnos.ipn.mx",
   * "hotmail.con"); `suggestion` holds the likely address. Ask «¿Quiso decir …?»; if the person insists, use `raw`.
   */
  | 'typo';

/** The outcome of parsing one slot. */
export type SlotResult<T extends string = string> =
  | { status: 'found'; value: T }
  /** The person says they have none ("no tengo extensión"). */
  | { status: 'none' }
  | { status: 'invalid'; raw: string; reason: InvalidReason; suggestion?: string }
  | { status: 'absent' };

/** Clock and zone for `extractEntities` (relative dates), and the ticket prefix so tickets are not read as phones. */
export interface ContactOptions {
  now: Date;
  timeZone: string;
  ticketPrefix?: string;
}

const ABSENT = { status: 'absent' } as const;
const NONE = { status: 'none' } as const;

/** Entities of `text` in Spanish. */
export function entitiesOf(text: string, options: ContactOptions): Entities {
  return extractEntities(text, { language: 'es', now: options.now, timeZone: options.timeZone, ticketPrefix: options.ticketPrefix });
}

const NEGATION = '(?:no (?:tengo|tenemos|cuento con|contamos con|hay|tiene|manejo|manejamos|uso|me asignaron)|sin|carezco de)';
const NONE_CUES = {
  extension: new RegExp(wordPattern(`${NEGATION}(?: (?:una|un|numero de|ninguna))? (?:extension|ext)`)),
  phone: new RegExp(wordPattern(`${NEGATION}(?: (?:un|una|numero de|ningun|ninguna))? (?:telefono|tel|celular|cel|movil|numero|whatsapp)`)),
  email: new RegExp(wordPattern(`${NEGATION}(?: (?:un|ningun))? (?:correo|email|mail|e mail)`)),
};
/** Whole answers that mean "I have none" when the question was just asked. */
const NONE_ANSWERS = /^(?:no|nop|ninguna?|ninguno|no tengo|no tengo ninguna?|no cuento con (?:una?|ella|el)|no hay|no tenemos|no manejo|no uso|sin|no me asignaron|no tiene|no aplica|n a|na)$/;

function isNone(text: string, slot: keyof typeof NONE_CUES, asked: boolean): boolean {
  const folded = foldWords(text);
  if (NONE_CUES[slot].test(folded)) return true;
  return asked && NONE_ANSWERS.test(folded.replace(/^(?:este|pues|mmm+|eh|ah|fijese que|la verdad)\s+/, '').replace(/\s+(?:gracias|disculpe|perdon)$/, ''));
}

/** Digit runs written with spaces, dots, dashes or parentheses between groups, numbers in words already in digits. */
function digitRuns(text: string): string[] {
  const prepared = spokenNumbersToDigits(text, 'es')
    .replace(/\S*@\S*/g, ' ') // addresses
    .replace(/\b[A-Za-z][A-Za-z0-9]{0,9}[\s-]*20\d\d[\s-]*\d{1,6}\b/g, ' '); // ticket numbers (any TICKET_PREFIX)
  return [...prepared.matchAll(/\+?\(?\d[\d\s().-]*\d|\d/g)].map((m) => m[0].replace(/\D/g, ''));
}

const EXTENSION_CUE = /(?:extensi[oó]n|\bext\b\.?)[^\d\n]{0,24}?(\d+)/giu;

/**
 * The extension in an answer. A 5-digit number (IPN extensions) counts without a cue, 3–6 digits after
 * "extensión"/"ext."; a phone's digits never count as an extension.
 *
 * @param options.asked - the question «¿Me proporciona su extensión?» was just asked (default true): a bare
 *   "no tengo" means `none`, and a bare number of the wrong length is `invalid`
 */
export function parseExtension(text: string, options: ContactOptions & { asked?: boolean }, entities = entitiesOf(text, options)): SlotResult {
  const asked = options.asked ?? true;
  const spoken = spokenNumbersToDigits(text, 'es');
  // "está al 100 %" is not the extension 100.
  const [extension] = entities.extensions.filter((e) => !new RegExp(`${e}\\s*(?:%|por\\s*ciento)`, 'i').test(spoken));
  if (extension !== undefined) return { status: 'found', value: extension };
  if (isNone(text, 'extension', asked)) return NONE;
  for (const m of spoken.matchAll(EXTENSION_CUE)) {
    const digits = m[1] ?? '';
    if (digits.length >= 10) continue; // a phone said after "extensión": the phone parser's business
    if (digits.length < 3 || digits.length > 6) return { status: 'invalid', raw: digits, reason: 'length' };
  }
  if (asked && entities.phones.length === 0) {
    const bare = /^\D*?(\d+)\D*$/.exec(spoken.replace(/[\s.-]/g, ''));
    const digits = bare?.[1];
    if (digits !== undefined && (digits.length < 3 || (digits.length > 6 && digits.length !== 10))) {
      return { status: 'invalid', raw: digits, reason: 'length' };
    }
  }
  return ABSENT;
}

const PHONE_CUE = new RegExp(wordPattern('telefono|tel|celular|cel|movil|whatsapp|wasap|fijo|lada'));

/**
 * The phone in an answer, as 10 national digits (prefixes +52, 044, 01… removed by `extractEntities`).
 * When the phone was asked for or named ("mi cel es…"), a digit run of 4–9 or 11+ digits, or a 10-digit number
 * starting with 0 or 1, is `invalid` (say «El teléfono debe tener 10 dígitos»). Otherwise digits are not a phone.
 *
 * @param options.asked - the question was just asked (default true)
 */
export function parsePhone(text: string, options: ContactOptions & { asked?: boolean }, entities = entitiesOf(text, options)): SlotResult {
  const asked = options.asked ?? true;
  const [phone] = entities.phones;
  if (phone !== undefined) return { status: 'found', value: phone };
  if (isNone(text, 'phone', asked)) return NONE;
  const named = PHONE_CUE.test(foldWords(text));
  if (!asked && !named) return ABSENT; // inventory, serial and student numbers are not mistyped phones
  for (const digits of digitRuns(withoutExtensions(text))) {
    if (digits.length === 10) return { status: 'invalid', raw: digits, reason: 'format' };
    const short = digits.length >= 4 && digits.length < 7 && (asked || !entities.extensions.includes(digits));
    if (digits.length >= 7 || short) return { status: 'invalid', raw: digits, reason: 'length' };
  }
  return ABSENT;
}

/** `text` without "extensión 52030", so that an extension's digits do not join a phone's. */
function withoutExtensions(text: string): string {
  return spokenNumbersToDigits(text, 'es').replace(EXTENSION_CUE, ' ');
}

const LOCAL = /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const TLD = /^[a-z]{2,24}$/;
/**
 * Domains people mistype; a domain one edit away from one of them (two for the longer ones) is a typo. Short domains
 * such as ipn.mx are left out: upn.mx or ipm.mx may be real.
 */
const KNOWN_DOMAINS = ['alumno.ipn.mx', 'gmail.com', 'hotmail.com', 'hotmail.es', 'outlook.com', 'outlook.es',
  'live.com', 'live.com.mx', 'yahoo.com', 'yahoo.com.mx', 'icloud.com', 'prodigy.net.mx'];
const TLD_TYPOS: Record<string, string> = { con: 'com', cmo: 'com', ocm: 'com', vom: 'com', xom: 'com', comm: 'com', cpm: 'com', cim: 'com', mxx: 'mx', xm: 'mx', mex: 'mx' };

/** Checks one address: syntax, a dotted domain with a valid top-level domain, and common-domain typos. */
export function validateEmail(address: string): SlotResult {
  const value = address.trim().toLowerCase().replace(/\.+$/, '');
  // «josé.núñez@ipn.mx» is not a deliverable address; the one without accents is probably meant, but it may belong
  // to someone else, so it is offered («¿Quiso decir…?»), never taken silently.
  const folded = foldCase(value);
  if (folded !== value) {
    const plain = validateEmail(folded);
    return plain.status === 'found' ? { status: 'invalid', raw: address, reason: 'typo', suggestion: plain.value } : plain;
  }
  const at = value.lastIndexOf('@');
  const local = value.slice(0, at);
  const domain = value.slice(at + 1);
  if (at <= 0 || value.indexOf('@') !== at || local.length > 64 || value.length > 254 || !LOCAL.test(local)) {
    return { status: 'invalid', raw: address, reason: 'format' };
  }
  const labels = domain.split('.');
  const tld = labels[labels.length - 1] ?? '';
  if (labels.length < 2 || !labels.every((l) => LABEL.test(l)) || !TLD.test(tld)) {
    return { status: 'invalid', raw: address, reason: 'domain' };
  }
  const suggestion = domainSuggestion(domain);
  if (suggestion !== undefined) return { status: 'invalid', raw: address, reason: 'typo', suggestion: `${local}@${suggestion}` };
  return { status: 'found', value };
}

function domainSuggestion(domain: string): string | undefined {
  if (KNOWN_DOMAINS.includes(domain)) return undefined;
  const close = KNOWN_DOMAINS.find((known) => damerauLevenshtein(domain, known) <= (known.length >= 12 ? 2 : 1));
  if (close !== undefined) return close;
  const labels = domain.split('.');
  const fixed = TLD_TYPOS[labels[labels.length - 1] ?? ''];
  return fixed === undefined ? undefined : [...labels.slice(0, -1), fixed].join('.');
}

/** Something that was meant as an address but is not one: "juan@ipn", "juan arroba ipn", "@ipn.mx". */
const BROKEN_WRITTEN = /[^\s@,;:()<>«»"]*@+[^\s@,;:()<>«»"]*/u;
const BROKEN_SPOKEN = /(?:([\p{L}\p{N}._-]+)\s+)?arroba(?:\s+([\p{L}\p{N}._-]+))?/iu;

/**
 * The email in an answer ("juan.perez@ipn.mx", "juan punto perez arroba ipn punto mx"), lower case, validated.
 *
 * @param options.asked - the question was just asked (default true): a bare "no tengo" means `none`
 */
export function parseEmail(text: string, options: ContactOptions & { asked?: boolean }, entities = entitiesOf(text, options)): SlotResult {
  const [email] = entities.emails;
  if (email !== undefined) return validateEmail(email);
  if (isNone(text, 'email', options.asked ?? true)) return NONE;
  const broken = BROKEN_WRITTEN.exec(text) ?? spokenAttempt(text, options.asked ?? true);
  if (broken === null) return ABSENT;
  const raw = broken[0].trim().replace(/\.+$/, '');
  return { status: 'invalid', raw, reason: brokenReason(raw) };
}

/** "juan arroba ipn": an address said aloud but incomplete; "con arroba o sin arroba" is talk about addresses. */
function spokenAttempt(text: string, asked: boolean): RegExpExecArray | null {
  const m = BROKEN_SPOKEN.exec(text);
  if (m === null || asked) return m;
  const meaningful = (word: string | undefined): boolean => word !== undefined && !STOPWORDS.has(foldCase(word)) && !COMMON_WORDS.has(foldCase(word));
  return meaningful(m[1]) && meaningful(m[2]) ? m : null;
}

/** `domain` when the part after the "@" lacks a dotted domain ("juan@ipn", "juan arroba ipn"), else `format`. */
function brokenReason(raw: string): InvalidReason {
  const [local = '', domain = ''] = raw.split(/@+|\s*arroba\s*/i);
  if (local.trim() === '' || /@@/.test(raw)) return 'format';
  return /\.|\bpunto\b/i.test(domain) ? 'format' : 'domain';
}
