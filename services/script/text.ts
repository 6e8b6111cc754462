/**
 * Small text helpers shared by the attention-script parsers: folding (lower case, no accents), word lists, and a
 * tokenizer that remembers where each word was in the original text (so a parser can blank what another one took).
 */
import { foldCase } from '../nlu/normalize';
import { spanishStopwords } from './natural-parts';

export { foldCase };

/** A word of the original text: folded form and offsets (end exclusive). */
export interface Word {
  /** Folded: lower case, accents removed. */
  folded: string;
  /** As written. */
  raw: string;
  start: number;
  end: number;
}

const WORD = /[\p{L}\p{M}\p{N}]+/gu;

/**
 * Words of `text` (letters and digits; everything else separates). Offsets refer to `text`, which must not change
 * length between folding and slicing, hence folding per word.
 */
export function words(text: string): Word[] {
  const out: Word[] = [];
  for (const m of text.matchAll(WORD)) out.push({ folded: foldCase(m[0]), raw: m[0], start: m.index, end: m.index + m[0].length });
  return out;
}

/** `text` folded, with every run of characters other than letters and digits collapsed to one space. */
export function foldWords(text: string): string {
  return foldCase(text).replace(/[^a-z0-9ñ]+/g, ' ').trim();
}

/** Replaces `[start, end)` with spaces so that later parsers do not read it again; offsets stay valid. */
export function blank(text: string, start: number, end: number): string {
  return text.slice(0, start) + ' '.repeat(Math.max(0, end - start)) + text.slice(end);
}

/** A regex source anchored at word boundaries of folded text (letters or digits on neither side). */
export function wordPattern(source: string): string {
  return `(?<![a-z0-9])(?:${source})(?![a-z0-9])`;
}

/** Articles, prepositions and other function words that never identify anything on their own. */
export const STOPWORDS: ReadonlySet<string> = new Set([
  ...spanishStopwords().map(foldCase),
  'a', 'al', 'de', 'del', 'el', 'la', 'las', 'lo', 'los', 'un', 'una', 'unos', 'unas', 'y', 'e', 'o', 'u', 'en',
  'mi', 'mis', 'tu', 'su', 'sus', 'nuestra', 'nuestro', 'que', 'por', 'para', 'con', 'sin', 'es', 'soy', 'son',
]);

/**
 * Frequent Spanish words of help-desk conversations. They are never corrected towards a unit's name ("esta" is not
 * the ESIA, "escoba" not the ESCOM) and never make up a person's name ("no sé", "para qué").
 * Adjectives that are also common surnames (Bueno, Blanco, Moreno, Rico…) are deliberately absent.
 */
export const COMMON_WORDS: ReadonlySet<string> = new Set(`
  hola buenos buenas dias dia tardes tarde noches noche gracias favor porfa porfavor quiero quisiera necesito ocupo
  tengo tiene tienen tenemos tenia puedo puede pueden podemos podria estoy esta estan estamos estaba estas este esto
  estos ese esa eso esos esas aquel aquella trabajo trabaja trabajamos trabajar estudio estudia estudiar estudiando
  problema problemas ayuda ayudar ayudeme apoyo equipo equipos computadora compu laptop correo internet red wifi sistema
  sistemas servicio servicios pagina cuenta contrasena usuario clave impresora telefono celular numero extension
  nombre llamo llama llamar soy eres somos fui bien mal claro correcto nada nadie ninguno ninguna ningun todo todos toda
  todas algo alguien aqui aca alla ahi ahora ahorita luego despues antes siempre nunca tambien tampoco pero porque
  cuando donde como cual cuales quien quienes cuanto cuanta cuantos que sabe saber se creo pienso digo dice dijo hace
  hacer hizo puedes sigue seguir funciona funcionar funciono sirve servir falla fallo error entrar acceso salir abrir
  enviar mandar marcar hablar hablo habla solo sola solamente nomas unicamente mucho muchos mucha muchas poco pocos
  otro otra otros otras mismo misma usted ustedes senor senora senorita joven oiga mire disculpe perdon okay ok vale
  listo urgente verdad pues entonces asi igual ya si no sí tal vez quizas mejor peor nuevo nueva viejo vieja grande
  pequeno dentro fuera arriba abajo lado parte vez veces hoy manana ayer semana mes ano horas hora minutos momento
  tiempo gente personas persona compañero companero companeros companera jefe jefa area oficina departamento
  escuela unidad centro direccion secretaria coordinacion edificio salon aula laboratorio biblioteca plantel campus
  docente maestro maestra profesor profesora profe alumno alumna alumnos estudiante estudiantes administrativo
  administrativa personal investigador investigadora egresado egresada externo externa padre madre familia
  nombre apellido apellidos llamada mensaje escribir escribo ver veo visto dar doy dame deme pasa paso pasar
  sale salio aparece marca dice mande
`.trim().split(/\s+/).map(foldCase));

/** Words that say "place" or "kind of place" without naming one: a unit is never recognised from one of these alone. */
export const GENERIC_WORDS: ReadonlySet<string> = new Set(`
  escuela escuelas superior nacional centro centros unidad unidades profesional interdisciplinaria interdisciplinario
  ingenieria ciencias ciencia investigacion investigaciones estudios desarrollo tecnologia tecnologias tecnologico
  tecnologica innovacion instituto politecnico ipn direccion secretaria coordinacion general area departamento division
  campus plantel computo informatica informaticos sistemas servicios administracion educacion media medio biblioteca
  cultural estacion television canal oficina subdireccion jefatura laboratorio edificio salon aula academia escolar
  recursos comunicacion social sociales aplicada avanzada avanzadas regional integral salud control virtual cecyt cet
  upii vocacional
`.trim().split(/\s+/));

/** A phrase to look for in folded text, and what it means. */
export interface Cue<T> {
  pattern: RegExp;
  value: T;
}

/** One cue found: where, and its meaning. */
export interface CueHit<T> {
  start: number;
  end: number;
  value: T;
}

/** Compiles `[regex source, meaning]` pairs, each anchored at word boundaries of folded text. */
export function compileCues<T>(list: ReadonlyArray<readonly [string, T]>): Cue<T>[] {
  return list.map(([source, value]) => ({ pattern: new RegExp(wordPattern(source), 'g'), value }));
}

/**
 * Every cue found in `folded` (see {@link foldWords}), left to right; where two overlap, the longer one wins
 * ("no se resolvió" over "se resolvió", "claro que no" over "claro").
 */
export function scanCues<T>(folded: string, cues: ReadonlyArray<Cue<T>>): CueHit<T>[] {
  const hits: CueHit<T>[] = [];
  for (const { pattern, value } of cues) {
    for (const m of folded.matchAll(pattern)) hits.push({ start: m.index, end: m.index + m[0].length, value });
  }
  hits.sort((a, b) => a.start - b.start || b.end - a.end);
  const kept: CueHit<T>[] = [];
  for (const hit of hits) {
    const overlapping = kept.findIndex((k) => hit.start < k.end && k.start < hit.end);
    if (overlapping < 0) kept.push(hit);
    else if (hit.end - hit.start > (kept[overlapping] as CueHit<T>).end - (kept[overlapping] as CueHit<T>).start) kept[overlapping] = hit;
  }
  return kept.sort((a, b) => a.start - b.start);
}
