/**
 * Text normalisation for intent classification (not for display): lower case, no accents (ñ → n), punctuation
 * collapsed to single spaces, digits folded to `0`, and the usual misspellings and speech-to-text artefacts of
 * Spanish IT vocabulary rewritten to one spelling ("guifi" → "wifi", "i meil" → "email", "contraceña" →
 * "contrasena", "ve pe ene" → "vpn", "tims" → "teams"…). The English mode handles contractions and the English
 * spellings of the same vocabulary.
 */
import type { NluLanguage } from './natural';

/** Rewrites numbers said in words into digits (`services/nlu/spoken-numbers.ts` provides one). */
export type SpokenNumbersFunction = (text: string, language: NluLanguage) => string;

/** Options of {@link normalizeText}. */
export interface NormalizeOptions {
  /** Applied to the raw text first, so "cero cuatro" becomes "04" before digits are folded. */
  spokenNumbers?: SpokenNumbersFunction;
  /** Replace every run of digits by `0` (default true): extensions and dates say little about the intent. */
  foldDigits?: boolean;
}

type Rule = readonly [RegExp, string];

/** Whole-word rewrite rules; `w()` anchors a pattern at word boundaries of the space-separated text. */
function w(pattern: string): RegExp {
  return new RegExp(`(?<![a-z0-9])(?:${pattern})(?![a-z0-9])`, 'g');
}

// Applied in order to lower-case, accent-free, punctuation-free text.
const SPANISH_RULES: readonly Rule[] = [
  [w('w[iy] ?f[iy]+|gu?[iy] ?f[iy]|g[uw]ai ?fai|[uw]ai ?fai|wa[iy] ?fa[iy]|[uw]i ?fi|wifi+|wiifi|wiffi'), 'wifi'],
  [w('e ?mail|e ?meil|i ?meil|i ?mail|e ?meyl|i ?meyl|imeyl|meil'), 'email'],
  [w('contra ?sen(?:i|y)?as?|contra ?cen(?:i|y)?as?|contra ?sen(?:i|y)?a|contrasna|contrasela|contrsena|contrasen|contrase'), 'contrasena'],
  [w('pass ?word|pas ?word|pas ?wor|pass ?wor|passwd|pasword|passwrd|paswrd|pasguor|pasuord|pwd'), 'contrasena'],
  [w('in?ter ?ne?r?t|intenet|interne|internete|ynternet|inter net|internnet|interneth'), 'internet'],
  [w('compus?|computador(?:a)?s?|conputadora|computadra|cumputadora|computadoar|ordenador(?:es)?|pc'), 'computadora'],
  [w('lap ?top|lap'), 'laptop'],
  [w('impres(?:a|o|e)ra|inpresora|impre ?sora|imprezora|impresorra|impresosa|impresor|imprsora|inpresora|printer'), 'impresora'],
  [w('v ?p ?n|ve ?pe ?ene|uve ?pe ?ene|b ?p ?n|vpm|vnp|ve pe en'), 'vpn'],
  [w('tims|tim s|teems|timss|teamss|mic?rosoft teams'), 'teams'],
  [w('zum|zun|zoom+'), 'zoom'],
  [w('mudle|mudel|moodel|mudl|mood ?le|modle|mudol|mood'), 'moodle'],
  [w('aut ?luk|out ?luk|aut ?look|out ?look|autluc'), 'outlook'],
  [w('guord'), 'word'],
  [w('exel|ecsel|eksel|excell'), 'excel'],
  [w('pauer ?point|power ?point|pawer ?point'), 'powerpoint'],
  [w('guindous|windous|windos|gindous|guindos'), 'windows'],
  [w('guasap|wasap|whats ?app|whats|wats ?app|guatsap'), 'whatsapp'],
  [w('one ?drive|guan ?draiv|wan ?draiv'), 'onedrive'],
  [w('ofis|ofice|offis|office ?365|o365'), 'office'],
  [w('e?scanner|e?skaner|escaneer|scaner|escaner'), 'escaner'],
  [w('usario|usurio|usuaro'), 'usuario'],
  [w('coreo|corrreo|corro|correro'), 'correo'],
  [w('telfono|telefno|telefon'), 'telefono'],
  [w('cel'), 'celular'],
  [w('ext'), 'extension'],
  [w('blu ?tut|blue ?tooth'), 'bluetooth'],
  [w('log ?in|loguear(?:me|se)?|logear(?:me|se)?|loggear(?:me)?'), 'login'],
  [w('q|ke|k'), 'que'],
  [w('xq|xk|pq|porq'), 'porque'],
  [w('x'), 'por'],
  [w('tmb|tb|tambien'), 'tambien'],
];

const ENGLISH_CONTRACTIONS: readonly Rule[] = [
  [/\bwon't\b/g, 'will not'],
  [/\bcan't\b/g, 'can not'],
  [/\bcannot\b/g, 'can not'],
  [/n't\b/g, ' not'],
  [/'m\b/g, ' am'],
  [/'re\b/g, ' are'],
  [/'ve\b/g, ' have'],
  [/'ll\b/g, ' will'],
  [/'d\b/g, ' would'],
  [/'s\b/g, ''],
];

const ENGLISH_RULES: readonly Rule[] = [
  [w('w[iy] ?f[iy]+'), 'wifi'],
  [w('e ?mail'), 'email'],
  [w('pass ?word|pasword|passwd|passwrd|paswrd|pwd'), 'password'],
  [w('v p n'), 'vpn'],
  [w('tims|teems'), 'teams'],
  [w('mudle|moodel'), 'moodle'],
  [w('lap top'), 'laptop'],
  [w('log in'), 'login'],
  [w('u'), 'you'],
  [w('ur'), 'your'],
  [w('pls|plz'), 'please'],
];

const EMAIL_ADDRESS = /[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}/g;
const URL = /\b(?:https?:\/\/|www\.)\S+/g;
const COMBINING_MARKS = /[\u0300-\u036f]/g;
const NON_WORD = /[^a-z0-9]+/g;
// Three or more of a letter become two ("zooom" → "zoom"); Spanish never doubles a, i or u ("holaa" → "hola").
const REPEATED = /([a-z])\1{2,}/g;
const SPANISH_DOUBLE_VOWEL = /([aiu])\1+/g;

/** Lower case, accents and marks removed (ñ → n, ü → u). */
export function foldCase(text: string): string {
  return text.normalize('NFD').replace(COMBINING_MARKS, '').toLowerCase();
}

/**
 * Normalises `text` for classification in `language`. The result holds only `[a-z0-9]` words separated by single
 * spaces, and is empty when the text has no letters or digits.
 */
export function normalizeText(text: string, language: NluLanguage, options: NormalizeOptions = {}): string {
  let out = options.spokenNumbers ? options.spokenNumbers(text, language) : text;
  out = foldCase(out).replace(URL, ' url ').replace(EMAIL_ADDRESS, ' email ');
  if (language === 'en') {
    out = out.replace(/[\u2018\u2019`]/g, "'");
    for (const [pattern, replacement] of ENGLISH_CONTRACTIONS) out = out.replace(pattern, replacement);
  }
  out = out.replace(NON_WORD, ' ').replace(REPEATED, '$1$1');
  if (language === 'es') out = out.replace(SPANISH_DOUBLE_VOWEL, '$1');
  out = ` ${out.replace(/\s+/g, ' ').trim()} `;
  for (const [pattern, replacement] of language === 'es' ? SPANISH_RULES : ENGLISH_RULES) {
    out = out.replace(pattern, replacement);
  }
  if (options.foldDigits ?? true) out = out.replace(/[0-9]+/g, ' 0 ');
  return out.replace(/\s+/g, ' ').trim();
}
