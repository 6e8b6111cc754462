/**
 * What a caller's request for a person or an area is made of, once the words that only carry the request are gone:
 * «comuníqueme con la licenciada María Pérez» → tokens «maria», «perez» plus the hints «lic.» and feminine;
 * «extensión cuatro dos cinco cero cero» → the digits 42500; «erre hache» → the acronym «rh». The same tokenizer
 * reads the directory's names, aliases, areas and positions.
 */
import { spokenNumbersToDigits } from '../nlu/spoken-numbers';
import type { DirectoryGender } from './directory-types';
import { foldWord } from './spanish-phonetic';

/** Words that only frame a request: greetings, «comuníqueme con», «quiero hablar con», articles, prepositions. */
const FILLERS = new Set(
  `a al ante con de del el la las los lo le les me mi mis nos por para que quien y e o u en un una unos unas su sus es
  soy se si sea favor porfa porfavor quiero quisiera queria necesito ocupo deseo gustaria busco buscando buscar
  hablar platicar comunicar comunicarme comuniqueme comunicame comuniquen comunique comunica comunicas comunicarse
  comunicando puede puedes podria podrias pudiera seria sera tan amable pase paseme pasame pasar pasen
  pasarme transfiera transfierame transferir transfiere enlace enlaceme enlazar enlazarme enlazame conecte conecteme
  conectar conectarme marque marcar marcarle marqueme llamar llamarle hablarle hablo llamo hola bueno buenos buenas
  dia dias tardes noches gracias este esta eh em mm mmm ehh oiga mire disculpe perdon senorita joven alguien persona
  gente ahi aqui alla alli te extension extensiones ext numero telefono tel directo directa ahora ahorita mande
  porque pues ok okay oye fijese hablaba llamaba llamando hablando necesitaba tratando trato localizar localizo
  encontrar contactar contactarme ayuda ayudar ayudarme ayudeme usted ustedes ver saber gusto estoy estaba tengo hay
  algun alguna algo como cual donde cuando tambien mas muy ya todavia otra otro vez nuevamente hacer va voy iba no`
    .split(/\s+/),
);

/** Honorifics: dropped from the words, kept as a hint (the title, and the gender when the form says it). */
const HONORIFICS: ReadonlyMap<string, { title: string | null; gender: DirectoryGender | null }> = new Map(
  (
    [
      ['lic', 'lic', null], ['licen', 'lic', null], ['licenciado', 'lic', 'm'], ['licenciada', 'lic', 'f'],
      ['ing', 'ing', null], ['inge', 'ing', null], ['ingeniero', 'ing', 'm'], ['ingeniera', 'ing', 'f'],
      ['dr', 'dr', 'm'], ['doctor', 'dr', 'm'], ['dra', 'dr', 'f'], ['doctora', 'dr', 'f'], ['doc', 'dr', null],
      ['mtro', 'mtro', 'm'], ['maestro', 'mtro', 'm'], ['mtra', 'mtro', 'f'], ['maestra', 'mtro', 'f'],
      ['arq', 'arq', null], ['arqui', 'arq', null], ['arquitecto', 'arq', 'm'], ['arquitecta', 'arq', 'f'],
      ['cp', 'cp', null], ['contador', 'cp', 'm'], ['contadora', 'cp', 'f'],
      ['prof', 'prof', 'm'], ['profesor', 'prof', 'm'], ['profa', 'prof', 'f'], ['profesora', 'prof', 'f'], ['profe', 'prof', null],
      ['enf', 'enf', null], ['enfermero', 'enf', 'm'], ['enfermera', 'enf', 'f'],
      ['sr', null, 'm'], ['senor', null, 'm'], ['don', null, 'm'], ['sra', null, 'f'], ['senora', null, 'f'], ['srita', null, 'f'],
      ['dona', null, 'f'],
    ] as const
  ).map(([word, title, gender]) => [word, { title, gender }] as const),
);

/** Words that name a kind of office rather than one: they weigh little, and only when they match. */
const GENERIC = new Set(
  `area areas departamento depto direccion subdireccion oficina oficinas unidad coordinacion jefatura general
  generales centro modulo seccion division gerencia`.split(/\s+/),
);

/**
 * Role words, folded to one gender («jefa» = «jefe», «directora» = «director») so a caller's «la jefa de nóminas»
 * meets the position «Jefe del Departamento de Nóminas».
 */
const ROLES: ReadonlyMap<string, string> = new Map(
  (
    [
      ['jefe jefa', 'jefe'],
      ['director directora', 'director'],
      ['subdirector subdirectora', 'subdirector'],
      ['coordinador coordinadora', 'coordinador'],
      ['secretario secretaria', 'secretario'],
      ['encargado encargada responsable', 'encargado'],
      ['titular', 'titular'],
      ['asistente auxiliar', 'asistente'],
      ['analista', 'analista'],
      ['administrador administradora', 'administrador'],
      ['tecnico tecnica', 'tecnico'],
      ['abogado abogada', 'abogado'],
      ['medico medica', 'medico'],
      ['disenador disenadora', 'disenador'],
      ['asesor asesora', 'asesor'],
      ['particular', 'particular'],
      ['enfermero enfermera', 'enfermero'],
      ['doctor doctora', 'doctor'],
    ] as const
  ).flatMap(([words, canonical]) => words.split(' ').map((w) => [w, canonical] as const)),
);

/** Spanish names of letters, as speech-to-text writes a spelled acronym («erre hache» → RH). */
const LETTERS: ReadonlyMap<string, string> = new Map(
  Object.entries({
    a: 'a', be: 'b', ce: 'c', de: 'd', e: 'e', efe: 'f', ge: 'g', hache: 'h', ache: 'h', i: 'i', jota: 'j', ka: 'k',
    ele: 'l', eme: 'm', ene: 'n', o: 'o', pe: 'p', cu: 'q', erre: 'r', ere: 'r', ese: 's', te: 't', u: 'u', uve: 'v',
    ve: 'v', equis: 'x', ye: 'y', zeta: 'z', seta: 'z',
  }),
);

export const WEIGHT = { word: 1, role: 0.6, generic: 0.25, lastSurname: 0.6 } as const;

/** One word of a name, alias, area, position or query, ready for matching. */
export interface TextToken {
  /** Folded (lower case, no accents); role words in their one-gender form. */
  text: string;
  weight: number;
  /** Counts against a match only when matched (generic office words). */
  optional: boolean;
}

/** A caller's words, read. */
export interface ParsedQuery {
  /** Words that identify someone or something. */
  tokens: TextToken[];
  /** Acronyms spelled out or typed with spaces («erre hache», «r h»), with the token indexes they cover. */
  acronyms: Array<{ text: string; covers: number[] }>;
  /** Runs of digits (spoken or typed), joined: «cuatro dos cinco cero cero» and «4 2 5 0 0» → «42500». */
  numbers: string[];
  /** From «licenciada», «ingeniero»…: the title the caller used, and the gender its form says. */
  title: string | null;
  gender: DirectoryGender | null;
}

const WORD = /[\p{L}\p{M}\p{N}]+/gu;

function rawWords(text: string): string[] {
  return [...text.matchAll(WORD)].map((m) => foldWord(m[0])).filter((w) => w !== '');
}

function token(word: string): TextToken {
  const role = ROLES.get(word);
  if (role) return { text: role, weight: WEIGHT.role, optional: false };
  if (GENERIC.has(word)) return { text: word, weight: WEIGHT.generic, optional: true };
  return { text: word, weight: WEIGHT.word, optional: false };
}

/** The matching words of a directory field (an area, a position, an alias): fillers and digits out; honorifics optional. */
export function fieldTokens(text: string | null | undefined): TextToken[] {
  if (!text) return [];
  return rawWords(text)
    .filter((w) => !FILLERS.has(w) && !/^\d+$/.test(w))
    .map((w) => (HONORIFICS.has(w) ? { ...token(w), weight: WEIGHT.role, optional: true } : token(w)));
}

/**
 * A person's name: given names and surnames. In a Mexican full name of three or more words the last one is the
 * mother's surname, which callers often leave out, so it weighs less.
 */
export function personNameTokens(name: string): TextToken[] {
  const tokens = rawWords(name)
    .filter((w) => !FILLERS.has(w) && !HONORIFICS.has(w))
    .map((w): TextToken => ({ text: w, weight: WEIGHT.word, optional: false }));
  const last = tokens[tokens.length - 1];
  if (tokens.length >= 3 && last) last.weight = WEIGHT.lastSurname;
  return tokens;
}

/** The title abbreviation of an entry («Lic.», «Ing.», «Dra.», «C.P.») in the hint's form («lic», «ing», «dr», «cp»). */
export function titleKey(title: string | null | undefined): string | null {
  if (!title) return null;
  const folded = foldWord(title);
  return HONORIFICS.get(folded)?.title ?? (folded || null);
}

/** Reads a caller's (or a console user's) request. */
export function parseQuery(text: string): ParsedQuery {
  const withDigits = spokenNumbersToDigits(text, 'es');
  // Digits typed or said apart («4 2 5 0 0», «42 500») are one number.
  const numbers = [...withDigits.matchAll(/\d(?:[\s.-]*\d)*/g)].map((m) => m[0].replace(/\D/g, '')).filter((n) => n.length >= 2);
  const words = rawWords(withDigits);
  const tokens: TextToken[] = [];
  const acronyms: ParsedQuery['acronyms'] = [];
  let title: string | null = null;
  let gender: DirectoryGender | null = null;
  /** Consecutive letter names: their letters and the content-token indexes they stand for. */
  let run: Array<{ letter: string; index: number | null; word: string }> = [];
  const closeRun = (): void => {
    for (let start = 0; start < run.length; start++) {
      for (let end = start + 2; end <= Math.min(run.length, start + 5); end++) {
        const part = run.slice(start, end);
        const covers = part.map((p) => p.index).filter((i): i is number => i !== null);
        if (covers.length > 0) acronyms.push({ text: part.map((p) => p.letter).join(''), covers });
      }
    }
    // Letters that are all short words («te i», «o i c»): the acronym becomes a word of its own, if it has a consonant
    // and no «de» (the preposition, far more often than the letter).
    if (run.length >= 2 && run.every((p) => p.index === null && p.word !== 'de')) {
      const text = run.slice(0, 5).map((p) => p.letter).join('');
      if (/[^aeiou]/.test(text)) tokens.push({ text, weight: WEIGHT.word, optional: false });
    }
    run = [];
  };
  for (const w of words) {
    if (/^\d+$/.test(w)) {
      closeRun();
      continue;
    }
    const honorific = HONORIFICS.get(w);
    if (honorific) {
      title ??= honorific.title;
      gender ??= honorific.gender;
      closeRun();
      // Also a role that may be someone's position («con la enfermera»): it counts only if something matches it.
      if (w.length > 3) tokens.push({ ...token(w), weight: WEIGHT.role, optional: true });
      continue;
    }
    const letter = LETTERS.get(w) ?? (w.length === 1 ? w : undefined);
    const filler = FILLERS.has(w) || w.length === 1;
    let index: number | null = null;
    if (!filler) {
      index = tokens.length;
      tokens.push(token(w));
    }
    if (letter !== undefined) run.push({ letter, index, word: w });
    else closeRun();
  }
  closeRun();
  return { tokens, acronyms, numbers, title, gender };
}
