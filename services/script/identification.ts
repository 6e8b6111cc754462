/**
 * Who is the person (attention script FO-CAU-01-01): unit, role (teacher, staff, student), extension, name, email,
 * phone. Each answer may carry several facts at once ("Soy docente de la ESCOM, mi extensión es 52030"), so
 * {@link parseIdentification} fills every slot it finds; the dialog asks only for what is still missing.
 * All functions are pure and fast enough to run on every turn.
 */
import type { Entities } from '../nlu/entities';
import { entitiesOf, parseEmail, parseExtension, parsePhone, type ContactOptions } from './contact';
import { findName } from './person-name';
import { blank, compileCues, foldWords, scanCues } from './text';
import { unitDecision, type UnitMatcher } from './unit-matcher';
import type { Unit } from './units';

export { parseEmail, parseExtension, parsePhone, validateEmail } from './contact';
export type { ContactOptions, InvalidReason, SlotResult } from './contact';
export { parseFullName } from './person-name';
export type { FullNameResult } from './person-name';
export { parseResolved, parseYesNo } from './yes-no';

/** What the requester is to the institution; the script asks «¿Es usted docente, administrativo o estudiante?». */
export type RequesterRole = 'docente' | 'administrativo' | 'estudiante' | 'otro';

/** Spanish labels of the roles, as the bot says them and the ticket shows them («otro»: egresado, padre de familia, externo…). */
export const ROLE_LABELS: Record<RequesterRole, string> = {
  docente: 'Docente',
  administrativo: 'Personal administrativo',
  estudiante: 'Estudiante',
  otro: 'Otro',
};

/**
 * How a role word counts: a `phrase` anywhere ("doy clases", "personal administrativo"); a `noun` ("maestra",
 * "alumno", "externo") only when the person says it of themselves ("soy …", "somos …", "como …") or opens the answer
 * with it ("docente de la ESCOM"), so that "mi maestra no puede entrar", "me salen alumnos duplicados" or "un disco
 * externo" say nothing about the requester.
 */
type Kind = 'phrase' | 'noun';

const ROLE_CUES = compileCues<[RequesterRole, Kind]>([
  ['doy clases?|imparto (?:clases?|la materia)|soy titular de|personal (?:docente|academico)|planta docente|soy (?:un |una )?academic[oa]', ['docente', 'phrase']],
  ['profe|profes|profesor(?:a|es|as)?|maestr[oa]s?|docentes?|catedratic[oa]s?|investigador(?:a|es|as)?', ['docente', 'noun']],
  ['personal (?:administrativo|de apoyo)|apoyo y asistencia a la educacion|paae|servidor(?:a)? public[oa]|personal de base', ['administrativo', 'phrase']],
  ['trabajo en (?:la |el |una |un )?(?:direccion|subdireccion|oficina|departamento|coordinacion|area|jefatura|secretaria|unidad administrativa|gestion escolar|control escolar|servicios escolares|recursos (?:humanos|financieros|materiales)|capital humano|contabilidad|finanzas|caja|almacen|archivo|administracion)', ['administrativo', 'phrase']],
  ['jef[ea] de (?:departamento|area|oficina|division|unidad|servicios?|seccion)|subdirector(?:a)?|director(?:a)?|coordinador(?:a)?', ['administrativo', 'noun']],
  ['administrativ[oa]s?|secretari[oa]s?(?! (?:academica|general|de (?:administracion|investigacion|extension|innovacion|servicios))(?![a-z]))|funcionari[oa]s?|emplead[oa]s?|trabajador(?:a|es)?|analista', ['administrativo', 'noun']],
  ['estudio (?:en|la|el|ingenieria|licenciatura|maestria|doctorado|el bachillerato)|estoy estudiando|(?:soy|somos) (?:alumn[oa]s? |estudiantes? )?de nuevo ingreso', ['estudiante', 'phrase']],
  ['(?:soy|estoy|hago|hago mi|estoy haciendo(?: mi)?|estoy en(?: mi| el)?) (?:de )?servicio social|prestador(?:a)? de servicio social', ['estudiante', 'phrase']],
  ['(?:voy en|estoy en|curso|soy de|voy a) (?:el )?(?:primer|segundo|tercer|cuarto|quinto|sexto|septimo|octavo|noveno|decimo|\\d+) semestre', ['estudiante', 'phrase']],
  ['estudiantes?|alumn[oa]s?|tesista|doctorante|maestrante|practicante', ['estudiante', 'noun']],
  ['padres? de familia|madres? de familia|(?:mama|papa|mami|papi|madre|padre|tutor(?:a)?) de (?:un|una|mi|el|la)|ex ?alumn[oa]s?|egresad[oa]s?|no (?:soy|trabajo) (?:del|en el) (?:ipn|politecnico)|publico en general', ['otro', 'phrase']],
  ['extern[oa]s?|particular|proveedor(?:a|es)?|visitante|ciudadan[oa]|aspirante|jubilad[oa]|pensionad[oa]|mama|papa', ['otro', 'noun']],
]);

/** Said of oneself: "soy (la) …", "somos …", "como …", "trabajo como …", "personal …". */
const SELF = /(?:^|\s)(?:soy|somos|como|personal|usuario|usuaria|persona|yo)(?:\s+(?:el|la|un|una))?\s$/;
/** Only greetings and fillers before: the answer opens with the role ("Docente, de la ESCOM"). */
const OPENING = /^(?:(?:hola|buenos|buenas|buen|dias|dia|tardes|noches|si|pues|este|mire|bueno|claro|ok|yo)\s+)*$/;
const NEGATED = /(?:^|\s)(?:no|ni)\s+(?:soy|somos|es)?\s*(?:(?:el|la|un|una)\s+)?$/;

/**
 * The requester's role in a sentence: "soy profesor", "maestra", "investigador" → docente; "personal administrativo",
 * "PAAE", "trabajo en la dirección" → administrativo; "soy alumno", "estudiante", "voy en quinto semestre" →
 * estudiante; "egresado", "padre de familia", "externo" → otro. Someone else's role ("mi maestra no puede entrar")
 * and negations ("no soy docente") do not count; the first role that counts wins.
 */
export function parseRole(text: string): RequesterRole | null {
  const folded = foldWords(text);
  for (const hit of scanCues(folded, ROLE_CUES)) {
    const [role, kind] = hit.value;
    const before = folded.slice(0, hit.start);
    if (kind === 'noun' && (NEGATED.test(before) || !(SELF.test(before) || OPENING.test(before)))) continue;
    return role;
  }
  return null;
}

/** The slots of the attention script. */
export type IdentificationSlot = 'unit' | 'role' | 'extension' | 'name' | 'email' | 'phone';

/** Options of {@link parseIdentification}. */
export interface IdentificationOptions extends ContactOptions {
  units: UnitMatcher;
  /**
   * The slot(s) the bot just asked for (several for a combined question such as «¿Me da su nombre, correo y
   * teléfono?»). It lets a bare answer count: "no tengo" means no extension only after the extension question, a
   * "Juan Pérez" without "me llamo" is a name only after the name question, and a number of the wrong length is
   * reported as an invalid phone or extension only when that was asked.
   */
  expect?: IdentificationSlot | readonly IdentificationSlot[];
}

/** Every slot found in one answer; absent keys were not found. */
export interface Identification {
  /** A unit named clearly enough to take without asking. */
  unit?: Unit;
  /** A unit probably meant: ask «¿Se refiere a …?». */
  unitCandidate?: Unit;
  /** Several units equally likely ("la ESIME"): ask which one. */
  unitOptions?: Unit[];
  role?: RequesterRole;
  extension?: string;
  /** The person has no extension ("no tengo extensión"). */
  noExtension?: true;
  /** Properly capitalised full name (two words or more). */
  name?: string;
  /** Only when the name was expected and the answer is not a full name. */
  nameProblem?: 'single_word' | 'not_a_name';
  /** Lower-case, validated address. */
  email?: string;
  /** 10 national digits. */
  phone?: string;
  /** What was said as an address but is not a valid one («El correo no parece válido»). */
  invalidEmail?: string;
  /** A likely intended address for a mistyped common domain ("juan@gmial.com" → "juan@gmail.com"). */
  emailSuggestion?: string;
  /** Digits said as a phone that are not 10 digits («El teléfono debe tener 10 dígitos»). */
  invalidPhone?: string;
  /** Digits said as an extension of the wrong length (only when the extension was asked for or named). */
  invalidExtension?: string;
}

const ADDRESS_WRITTEN = /\S+@\S+/g;
const ADDRESS_SPOKEN = /(?:[\p{L}\p{N}_-]+\s+(?:punto|gui[oó]n(?:\s+bajo)?)\s+)*[\p{L}\p{N}_-]+\s+arroba\s+[\p{L}\p{N}_-]+(?:\s+(?:punto|gui[oó]n)\s+[\p{L}\p{N}_-]+)*/giu;

/** `text` with addresses blanked, so "agomez@escom.ipn.mx" does not name the ESCOM as the person's unit. */
function withoutAddresses(text: string): string {
  let out = text;
  for (const pattern of [ADDRESS_WRITTEN, ADDRESS_SPOKEN]) {
    for (const m of out.matchAll(pattern)) out = blank(out, m.index, m.index + m[0].length);
  }
  return out;
}

function fillUnit(result: Identification, text: string, units: UnitMatcher): void {
  const analysis = units.analyze(text);
  if (analysis.match !== null) {
    if (unitDecision(analysis.match) === 'accept') result.unit = analysis.match.unit;
    else result.unitCandidate = analysis.match.unit;
  } else if (analysis.ambiguous) {
    result.unitOptions = analysis.candidates.map((c) => c.unit);
  }
}

function expected(options: IdentificationOptions): ReadonlySet<IdentificationSlot> {
  const { expect } = options;
  return new Set(expect === undefined ? [] : typeof expect === 'string' ? [expect] : expect);
}

function fillContacts(result: Identification, text: string, options: IdentificationOptions, entities: Entities): void {
  const asked = expected(options);
  const email = parseEmail(text, { ...options, asked: asked.has('email') }, entities);
  if (email.status === 'found') result.email = email.value;
  if (email.status === 'invalid') {
    result.invalidEmail = email.raw;
    if (email.suggestion !== undefined) result.emailSuggestion = email.suggestion;
  }
  const phone = parsePhone(text, { ...options, asked: asked.has('phone') }, entities);
  if (phone.status === 'found') result.phone = phone.value;
  if (phone.status === 'invalid') result.invalidPhone = phone.raw;
  const extension = parseExtension(text, { ...options, asked: asked.has('extension') }, entities);
  // "55 1234 56789": the recognizer reads a bare 5-digit extension in what is a mistyped phone.
  const inPhone = (value: string): boolean => result.invalidPhone !== undefined && result.invalidPhone.length > value.length &&
    result.invalidPhone.includes(value);
  if (extension.status === 'found' && !inPhone(extension.value)) result.extension = extension.value;
  if (extension.status === 'none') result.noExtension = true;
  if (extension.status === 'invalid' && result.invalidPhone === undefined) result.invalidExtension = extension.raw;
}

/**
 * Every identification slot present in one answer. Numbers of a phone are never read as an extension, the number of a
 * school ("cecyt 9") never as an extension, an address never as a unit ("@escom.ipn.mx"), and a name only when it is
 * introduced ("me llamo …", "mi nombre es …", "soy Juan Pérez") or the name was just asked for (`expect: 'name'`).
 */
export function parseIdentification(text: string, options: IdentificationOptions): Identification {
  const result: Identification = {};
  const entities = entitiesOf(text, options);
  fillContacts(result, text, options, entities);

  let rest = withoutAddresses(text);
  const nameExpected = expected(options).has('name');
  const name = findName(rest, { units: options.units, expected: nameExpected });
  if (name !== undefined && name.words >= 2) {
    result.name = name.name;
    rest = blank(rest, name.start, name.end);
  } else if (nameExpected) {
    result.nameProblem = name?.words === 1 && !/[\d@]/.test(text) ? 'single_word' : 'not_a_name';
  }
  fillUnit(result, rest, options.units);
  const role = parseRole(rest);
  if (role !== null) result.role = role;
  return result;
}
