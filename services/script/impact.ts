/**
 * How big is the problem: impact (how many people it affects) and urgency (how badly it stops their work), as the
 * help-desk procedure (seed 002) asks the agent to value them before opening a ticket:
 *
 * - Impact, by share of users affected: Extenso/Generalizado 100 %, Significativo/Amplio 60 %, Moderado/Limitado 30 %,
 *   Menor/Localizado 5 %. People answer in people, not percentages, so counts map to levels: 1 → minor, 2–15 →
 *   moderate (an office, a few colleagues), 16–200 → significant (a floor, a building, several areas), more than 200,
 *   or "todos", "toda la escuela" → extensive.
 * - Urgency, by the real or potential damage: Crítica (stops the whole operation of a critical function), Alta (a
 *   critical failure, but there is another way to work), Media (a reduced group, or not a critical function), Baja
 *   (can be scheduled; there are alternatives). People cannot judge "critical function", but they can say whether
 *   they can keep working: {@link URGENCY_QUESTION} asks that, and {@link parseUrgency} maps the answer.
 */
import { spokenNumbersToDigits } from '../nlu/spoken-numbers';
import type { Impact, Urgency } from '../tickets/priority';
import { compileCues, foldCase, foldWords, scanCues } from './text';
import { parseYesNo } from './yes-no';

export type { Impact, Urgency };

/** «¿A cuántas personas afecta?», with examples that {@link parseImpact} understands. */
export const IMPACT_QUESTION =
  '¿A cuántas personas afecta el problema? Por ejemplo: «solo a mí», «a mi área», «a varias áreas» o «a toda la escuela».';

/** Suggested answers (buttons), one per level; each parses back to its level. */
export const IMPACT_CHOICES: ReadonlyArray<{ impact: Impact; label: string }> = [
  { impact: 'minor', label: 'Solo a mí' },
  { impact: 'moderate', label: 'A mi área u oficina' },
  { impact: 'significant', label: 'A varias áreas o a todo el edificio' },
  { impact: 'extensive', label: 'A toda la escuela o unidad' },
];

const RANK: Record<Impact, number> = { minor: 0, moderate: 1, significant: 2, extensive: 3 };

const PEOPLE = 'personas?|usuari[oa]s?|alumn[oa]s?|estudiantes?|companer[oa]s?|profesor(?:es|as)?|maestr[oa]s?|docentes?|' +
  'trabajador(?:es|as)?|emplead[oa]s?|gente|equipos?|computadoras?|maquinas?|pcs?|de nosotros';
const PLACE_WIDE = 'escuela|unidad|institucion|instituto|ipn|politecnico|plantel|vocacional|voca|dependencia|comunidad|' +
  'universidad|campus|centro|zacatenco|red';
const PLACE_MID = 'edificio|piso|planta|laboratorio|salon|grupo|auditorio|biblioteca|sala';
const PLACE_SMALL = 'area|oficina|departamento|coordinacion|cubiculo|subdireccion|jefatura|division|academia|seccion|modulo';

const IMPACT_CUES = compileCues<Impact>([
  // "todos los de mi oficina" is the office, not everyone.
  [`tod[oa]s (?:los|las) (?:de|del) (?:mi|la|el|nuestr[oa]|est[ae]) (?:${PLACE_SMALL})`, 'moderate'],
  [`tod[oa]s (?:los|las) (?:de|del) (?:mi|la|el|nuestr[oa]|est[ae]) (?:${PLACE_MID})`, 'significant'],
  [`(?:a )?(?:tod[oa]|toda la|todo el) (?:${PLACE_WIDE})|tod[oa]s (?:los|las) (?:usuari[oa]s|alumn[oa]s|estudiantes|profesores|docentes|trabajadores|escuelas|unidades|areas)`, 'extensive'],
  ['a todos|todos|todas|todo mundo|todo el mundo|a todo el mundo|nadie|ninguno (?:puede|podemos|tiene)|generalizado|masivo', 'extensive'],
  [`(?:toda la|todo el|tod[oa]) (?:${PLACE_MID})|(?:varias|varios|muchas|muchos) (?:${PLACE_SMALL}|${PLACE_MID}s?|areas|oficinas|departamentos|grupos|salones|edificios|pisos)`, 'significant'],
  ['miles|mil|millares|todo el (?:ipn|politecnico)', 'extensive'],
  ['cientos|cientos de|decenas|la mitad|casi todos|casi todas|la mayoria|muchos|muchas|mucha gente|bastantes|un monton|varias areas|varios departamentos', 'significant'],
  [`(?:toda la|todo el|tod[oa]|mi|nuestr[oa]|la|el) (?:${PLACE_SMALL})|(?:unos|unas|algunos|algunas|varios|varias|otros|otras|mis|unos cuantos|unas cuantas|un par de) (?:${PEOPLE})`, 'moderate'],
  ['(?:mi|mis|un|una|otro|otra|otros|otras) (?:companer[oa]s?|colegas?|jef[ea]s?|vecin[oa]s?)|otra persona|otras personas', 'moderate'],
  ['algunos|algunas|unos cuantos|unas cuantas|varios|varias|un par|mi equipo de trabajo|mis companeros|a otr[oa]s?|tambien a', 'moderate'],
  ['solo (?:a )?mi|solamente (?:a )?mi|nada mas (?:a )?mi|nada mas yo|nomas (?:a )?mi|nomas yo|unicamente (?:a )?mi|solo yo|solamente yo|unicamente yo', 'minor'],
  ['a mi|yo|yo nada mas|yo solo|yo sol[oa]|una persona|un usuario|mi (?:computadora|equipo|laptop|cuenta|correo|telefono|extension)|nadie mas', 'minor'],
]);

/** A count of people: "20 personas", "unos 30", "somos 12", "más de 300", or a bare number as the whole answer. */
const COUNT = new RegExp(`(?<![a-z0-9])(?:(?:mas de|arriba de|cerca de|como|unos|unas|aproximadamente|alrededor de|somos|son|a)\\s+)?(?<n>\\d+)(?:\\s+(?:${PEOPLE}))?`, 'g');
const PERCENT = /(?<n>\d+)\s*(?:%|por ?ciento)/;
/** Words that may surround bare numbers in an answer that is only a count ("2 o 3", "entre 10 y 20"). */
const COUNT_WORDS = new Set(['o', 'y', 'a', 'de', 'entre', 'unos', 'unas', 'como', 'mas', 'menos', 'aproximadamente', 'quizas', 'tal', 'vez']);

function levelOfCount(n: number): Impact {
  if (n <= 1) return 'minor';
  if (n <= 15) return 'moderate';
  if (n <= 200) return 'significant';
  return 'extensive';
}

function levelOfPercent(p: number): Impact {
  if (p >= 90) return 'extensive';
  if (p >= 45) return 'significant';
  if (p >= 15) return 'moderate';
  return 'minor';
}

function countLevel(folded: string, raw: string): Impact | undefined {
  const percent = PERCENT.exec(foldCase(raw));
  if (percent?.groups?.n !== undefined) return levelOfPercent(Number(percent.groups.n));
  const bare = /\d/.test(folded) && folded.replace(/\d+/g, ' ').split(' ').every((w) => w === '' || COUNT_WORDS.has(w));
  let best: Impact | undefined;
  for (const m of folded.matchAll(COUNT)) {
    const hasCue = m[0] !== m.groups?.n; // a word before or after the number
    if (!hasCue && !bare) continue;
    const level = levelOfCount(Number(m.groups?.n));
    if (best === undefined || RANK[level] > RANK[best]) best = level;
  }
  return best;
}

/**
 * Impact from the answer to {@link IMPACT_QUESTION}. "solo a mí" → minor; "a mi área", "a unos compañeros", 2–15
 * people → moderate; "a varias áreas", "a todo el edificio", "a la mitad", 16–200 → significant; "a todos", "a toda
 * la escuela", "nadie puede", more than 200 → extensive. Numbers may be in words ("como veinte personas"). When
 * several cues appear ("a mí y a todo mi departamento"), the widest wins.
 */
export function parseImpact(text: string): Impact | null {
  const spoken = spokenNumbersToDigits(text, 'es');
  const folded = foldWords(spoken);
  let best = countLevel(folded, spoken);
  for (const hit of scanCues(folded, IMPACT_CUES)) {
    if (best === undefined || RANK[hit.value] > RANK[best]) best = hit.value;
  }
  return best ?? null;
}

type UrgencyCue = 'critical' | 'high' | 'calm';

const URGENCY_CUES = compileCues<UrgencyCue>([
  ['no es urgente|no urge|sin prisa|no hay prisa|no corre prisa|cuando (?:puedan|se pueda|tengan tiempo)|puede esperar', 'calm'],
  ['(?:todo|todos) (?:el |los )?sistemas? (?:esta |estan )?caidos?|se cayo (?:todo|el sistema|la red|el servidor|el servicio)', 'critical'],
  ['(?:nadie|ninguno) (?:puede|podemos|pueden) (?:trabajar|entrar|acceder|conectarse)|no (?:podemos|pueden) trabajar|esta todo (?:caido|parado)', 'critical'],
  ['(?:examen|examenes|evaluacion)(?: \\w+){0,3} (?:ahorita|ahora|en este momento|en curso|en linea)|(?:ahorita|ahora|en este momento) (?:\\w+ ){0,3}(?:examen|examenes)', 'critical'],
  ['(?:nomina|pago|pagos)(?: \\w+){0,3} (?:hoy|ahorita|vence|cierre)|(?:hoy|ahorita) (?:\\w+ ){0,3}(?:nomina|pagos?)', 'critical'],
  ['urgente|urge|urgencia|emergencia|no funciona nada|no puedo trabajar|de inmediato|inmediatamente|lo antes posible|cuanto antes|lo mas pronto posible', 'high'],
  ['ahorita|ya mismo|es para hoy|para hoy|hoy vence|vence hoy|fecha limite|examen|examenes|nomina|estoy en clase|tengo clase|en vivo|transmision|inscripciones?|reinscripciones?', 'high'],
]);

/**
 * Urgency words in a problem description, to raise the catalog's default urgency (never to lower it). Conservative:
 * "todo el sistema está caído", "nadie puede trabajar", an exam or payroll happening now → critical; "urgente", "no
 * puedo trabajar", "de inmediato", "ahorita", "examen", "nómina" → high; "no es urgente" or nothing → null.
 */
export function parseUrgencyCue(text: string): 'critical' | 'high' | null {
  const hits = scanCues(foldWords(spokenNumbersToDigits(text, 'es')), URGENCY_CUES);
  if (hits.some((h) => h.value === 'calm')) return null;
  if (hits.some((h) => h.value === 'critical')) return 'critical';
  return hits.some((h) => h.value === 'high') ? 'high' : null;
}

/**
 * The plain-words urgency question. Whether the person can keep working tells the seed's levels apart: stopped with
 * no alternative → Crítica; an alternative exists but is costly or the matter is pressing → Alta; can keep working
 * on other things → Media; can wait or be scheduled → Baja.
 */
export const URGENCY_QUESTION =
  '¿Puede seguir trabajando de otra forma mientras lo resolvemos? Por ejemplo: «no, estoy detenido», «sí, pero con dificultad», «sí, puedo hacer otras cosas» o «sí, puede esperar».';

/** Suggested answers (buttons) in the question's order, each with the seed's definition; each parses to its level. */
export const URGENCY_CHOICES: ReadonlyArray<{ urgency: Urgency; label: string; definition: string }> = [
  { urgency: 'critical', label: 'No, estoy detenido', definition: 'Una falla que impide la total operación y que soporta una función crítica.' },
  { urgency: 'high', label: 'Sí, pero con mucha dificultad', definition: 'Falla crítica que afecta la operación, pero existe una forma alterna de operar.' },
  { urgency: 'medium', label: 'Sí, puedo hacer otras cosas', definition: 'Afecta a un grupo reducido o no afecta una función crítica.' },
  { urgency: 'low', label: 'Sí, puede esperar', definition: 'Bajo impacto; su atención puede calendarizarse y existen alternativas de trabajo.' },
];

const URGENCY_ANSWERS = compileCues<Urgency>([
  ['puede esperar|puedo esperar|no (?:es urgente|urge|hay prisa|corre prisa)|sin prisa|cuando (?:puedan|se pueda|tengan tiempo)|otro dia|la proxima semana|se puede (?:programar|calendarizar)|no pasa nada|tranquil[oa]', 'low'],
  ['(?:si|puedo|podemos)(?: \\w+){0,4} otras cosas|(?:si|puedo|podemos)(?: \\w+){0,3} (?:en|con) otr[oa] (?:equipo|computadora|maquina|lado|forma|manera)|de otra (?:forma|manera)|mientras tanto si|si puedo|si podemos|si$|^si', 'medium'],
  ['(?:si|puedo|podemos),? pero (?:con|es|me|muy|no)|con (?:mucha )?dificultad|a medias|mas o menos|con trabajos|a duras penas|batallando|pero (?:es urgente|urge|lo necesito)|pero (?:lento|tarda)|no del todo|medio', 'high'],
  ['^no$|^no (?:puedo|podemos)|no,? (?:nada|estoy detenid[oa]|estamos detenid[oa]s|estoy parad[oa]|imposible|para nada|de ninguna forma|no hay forma|no hay manera)|estoy detenid[oa]|estamos detenid[oa]s|esta todo parado|no puedo hacer nada|no podemos hacer nada|no puedo trabajar|no podemos trabajar|imposible|de ninguna manera|ninguna', 'critical'],
]);

/**
 * Urgency from the answer to {@link URGENCY_QUESTION}: "no, nada", "estoy detenido", "no puedo trabajar" → critical;
 * "sí, pero con mucha dificultad", "más o menos", "sí pero es urgente" → high; "sí", "sí, puedo hacer otras cosas", "en
 * otra computadora" → medium; "sí, puede esperar", "no hay prisa" → low; unclear → null (ask again).
 * The most specific phrase wins: "no hay prisa" is low although it starts with "no"; a plain yes or no that no phrase
 * explains ("la verdad no") is read with {@link parseYesNo}.
 */
export function parseUrgency(text: string): Urgency | null {
  const folded = foldWords(spokenNumbersToDigits(text, 'es'));
  const hits = scanCues(folded, URGENCY_ANSWERS);
  if (hits.length === 0) {
    const yes = parseYesNo(text); // "la verdad no", "pues claro"
    return yes === undefined ? null : yes ? 'medium' : 'critical';
  }
  // Order of precedence: a low cue anywhere ("sí, puede esperar"), then high ("sí, pero…"), critical, medium.
  for (const level of ['low', 'high', 'critical', 'medium'] as const) if (hits.some((h) => h.value === level)) return level;
  return null;
}
