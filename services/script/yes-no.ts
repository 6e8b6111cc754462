/**
 * Spanish confirmations: «¿Es correcto?», «¿Se refiere a la ESCOM?», and the closing «¿Se resolvió su problema?».
 */
import { compileCues, foldWords, scanCues } from './text';

type Polarity = boolean | 'unsure';

/** Words that may come before the answer itself («pues sí», «bueno, no», «oiga, sí»). */
const OPENERS: ReadonlySet<string> = new Set(['pues', 'bueno', 'este', 'mmm', 'eh', 'ah', 'oh', 'ay', 'oiga', 'mire', 'ok', 'okay', 'ya']);

const YES_NO = compileCues<Polarity>([
  ['si+|sip|simon|claro(?: que si)?|por supuesto(?: que si)?|correcto|es correcto|asi es|asi mero|exacto|exactamente', true],
  ['afirmativo|de acuerdo|ok|okay|oki|va|sale|orale|andale|dale|efectivamente|eso es|aja|ajam|mjm|esta bien|yes', true],
  ['seguro|adelante|perfecto|como no|cierto|es cierto|en efecto|obvio|desde luego|confirmo|le confirmo|ese mero', true],
  ['no hay problema|no hay bronca|si claro|si por favor|si gracias|si es correcto', true],
  ['no+|nop|nel|nones|negativo|para nada|claro que no|por supuesto que no|seguro que no|incorrecto|no es correcto|no es asi', false],
  ['tampoco|ya no|aun no|todavia no|nunca|jamas|de ninguna manera|nada|no gracias|equivocado|esta mal|ninguno|ninguna', false],
  ['no se resolvio|no se soluciono|no se arreglo|no se pudo', false],
  ['no (?:lo )?se(?=$| (?:si|que|como|cual|nada|bien|exactamente|decirle|la verdad|todavia|aun|creo)(?![a-z]))|no estoy segur[oa]|tal vez|quizas?|a lo mejor|puede ser|mas o menos|a veces|no sabria|no recuerdo', 'unsure'],
  ['no me acuerdo|ni idea|depende', 'unsure'],
]);

/**
 * Yes or no in an answer: "sí", "correcto", "así es", "claro que sí" → true; "no", "ya no", "negativo", "claro que
 * no" → false; "no sé", "tal vez", or nothing recognisable → undefined. The first cue decides ("sí, no hay
 * problema" → true).
 */
export function parseYesNo(text: string): boolean | undefined {
  const folded = foldWords(text);
  const [first] = scanCues(folded, YES_NO);
  if (first === undefined || first.value === 'unsure') return undefined;
  // In a longer answer the yes or no opens it («sí, ya quedó»); words such as «va» or «seguro» in the middle of a
  // sentence («se va la señal», «no estoy seguro») are not an answer.
  const before = folded.slice(0, first.start).trim().split(/\s+/).filter((w) => w !== '');
  const words = folded.trim().split(/\s+/).filter((w) => w !== '').length;
  if (words > 4 && before.some((w) => !OPENERS.has(w))) return undefined;
  return first.value;
}

// Verbs that say the thing works again (or the error is gone), and those that say it still does not.
const WORKS = 'funciona|funciono|sirve|sirvio|jala|jalo|quedo|quedo listo|puedo|pude|entra|entro|entre|abre|abrio|carga|cargo|' +
  'imprime|imprimio|conecta|conecto|me deja|me dejo|me llega|llega|llego|prende|prendio|se arreglo|se compuso|esta|hay|tengo|salio';
const FAULT = 'sale|me sale|aparece|me aparece|marca|me marca|da error|falla|hay error|tengo (?:el )?problema|se traba|se cuelga|' +
  'se congela|se apaga|se reinicia|se cae|pide|me pide|manda error';

const RESOLVED = compileCues<Polarity>([
  [`ya (?:${WORKS})`, true],
  [`ya no (?:${FAULT})`, true],
  ['se resolvio|se soluciono|se arreglo|quedo resuelto|quedo solucionado|ya quedo|funciono|sirvio|resuelto|solucionado', true],
  ['no hay (?:problema|bronca|error)|ya no hay (?:problema|error)', true],
  ['arreglado|listo|ya esta|perfecto|excelente|funciona (?:bien|correctamente|perfecto|de maravilla)|todo bien|ya todo bien', true],
  [`no (?:se resolvio|se soluciono|se arreglo|quedo|${WORKS})`, false],
  [`ya no (?:${WORKS})`, false],
  ['sigue(?:n)? (?:igual|fallando|sin|el error|el problema|apareciendo|saliendo|marcando|mal|lento|lenta|trabad[oa]|sin funcionar)', false],
  ['sigue|siguen|todavia (?:no|sigue|falla|marca|sale)|aun (?:no|sigue|falla|marca|sale)|continua|persiste', false],
  ['no (?:lo )?se(?= |$)|no estoy segur[oa]|tal vez|quizas?|a veces|no sabria|ni idea', 'unsure'],
  ['(?:el )?mismo (?:error|problema|mensaje)|igual|nada|no cambio nada|empeoro|peor|no paso nada', false],
]);

/**
 * Answer to «¿Se resolvió su problema?»: "sí se resolvió", "ya funciona", "ya no sale el error", "listo" → true;
 * "no funcionó", "sigue igual", "todavía no", "ya no prende" → false; mixed ("ya entra pero sigue lento") or unclear →
 * undefined. Falls back to {@link parseYesNo} when no phrase about the problem is found.
 */
export function parseResolved(text: string): boolean | undefined {
  const folded = foldWords(text);
  const hits = scanCues(folded, RESOLVED);
  if (hits.length === 0) return parseYesNo(text);
  const values = new Set(hits.map((h) => h.value));
  if (values.size > 1) return undefined;
  const [value] = values;
  return value === 'unsure' ? undefined : value;
}
