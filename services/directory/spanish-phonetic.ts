/**
 * Spanish (Mexican) phonetic keys for names, so that what speech-to-text or a hurried typist writes meets what the
 * directory holds: «Peres» = «Pérez», «Biyalobos» = «Villalobos», «Ector» = «Héctor», «Kintero» = «Quintero»,
 * «Jimena» = «Ximena», «Sochil» ≈ «Xóchitl». Sounds Mexican Spanish does not distinguish get one letter:
 * b/v, s/z/c(e,i), y/ll, k/qu/c(a,o,u), j/g(e,i), silent h, doubled letters; `x` is ambiguous in Mexican names
 * (México, Ximena → j; Xóchitl, Xochimilco → s), so a word with an `x` has two keys.
 */
import { foldCase } from '../nlu/normalize';

const VOWELS = new Set(['a', 'e', 'i', 'o', 'u']);
const FRONT = new Set(['e', 'i']);

/** Lower case, accents and ñ folded (ñ → n), only letters and digits. */
export function foldWord(word: string): string {
  return foldCase(word).replace(/[^a-z0-9]/g, '');
}

/** The phonetic key of a folded word with each `x` read as `xAs`. Uses `C` for the «ch» sound and `w` for «hu»/«gu» + vowel. */
function keyWith(word: string, xAs: 'j' | 's'): string {
  let out = '';
  const at = (i: number): string => word[i] ?? '';
  for (let i = 0; i < word.length; i++) {
    const c = at(i);
    const next = at(i + 1);
    switch (c) {
      case 'c':
        if (next === 'h') {
          out += 'C';
          i++;
        } else out += FRONT.has(next) ? 's' : 'k';
        break;
      case 'q':
        out += 'k';
        if (next === 'u') i++;
        break;
      case 'k':
        out += 'k';
        break;
      case 'g':
        if (next === 'u' && FRONT.has(at(i + 2))) {
          out += 'g';
          i++;
        } else if (next === 'u' && (at(i + 2) === 'a' || at(i + 2) === 'o')) {
          out += 'w';
          i++;
        } else out += FRONT.has(next) ? 'j' : 'g';
        break;
      case 'h':
        // Silent, except «hu» + vowel, which sounds like w («Huerta», «Cuahutle»).
        if (next === 'u' && VOWELS.has(at(i + 2))) {
          out += 'w';
          i++;
        }
        break;
      case 'p':
        if (next === 'h') {
          out += 'f';
          i++;
        } else out += 'p';
        break;
      case 'l':
        if (next === 'l') {
          out += 'y';
          i++;
        } else out += 'l';
        break;
      case 'y':
        // A consonant before a vowel («Yolanda»), a vowel elsewhere («Rey», «Ybarra»).
        out += VOWELS.has(next) ? 'y' : 'i';
        break;
      case 'v':
      case 'b':
        out += 'b';
        break;
      case 'w':
        out += 'w';
        break;
      case 'z':
        out += 's';
        break;
      case 't':
        // «tz» in names of Nahuatl origin sounds s: «Itzel» = «Isel».
        if (next === 'z') {
          out += 's';
          i++;
        } else out += 't';
        break;
      case 'x':
        out += xAs;
        break;
      case 'n':
        // «nv» and «nb» are said «mb».
        out += next === 'v' || next === 'b' ? 'm' : 'n';
        break;
      default:
        out += c;
    }
  }
  // Doubled sounds are one: «rr», «nn», «ss» («Mattos», «Anna», «Cassandra»).
  return out.replace(/(.)\1+/g, '$1');
}

/** The phonetic keys of a word (folded or not): one, or two when it has an `x`. */
export function phoneticKeys(word: string): string[] {
  const folded = foldWord(word);
  if (folded === '') return [];
  if (!folded.includes('x')) return [keyWith(folded, 'j')];
  const j = keyWith(folded, 'j');
  const s = keyWith(folded, 's');
  return j === s ? [j] : [j, s];
}

/**
 * A key without the plural ending, for «nómina» = «nóminas», «adquisición» = «adquisiciones». It also folds surnames
 * ending in -s/-es («Cortés» → «kort»), which only matters for equality between two such keys.
 */
export function stemKey(key: string): string {
  if (key.length > 4 && /[^aeiou]es$/.test(key)) return key.slice(0, -2);
  if (key.length > 3 && key.endsWith('s')) return key.slice(0, -1);
  return key;
}
