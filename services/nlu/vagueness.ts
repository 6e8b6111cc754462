import { foldCase } from './normalize';

/**
 * Words that say someone needs help without saying with what: «tengo un problema», «no funciona», «necesito ayuda
 * con algo». Compared after {@link foldCase}.
 */
const GENERIC = new Set(
  (
    'a al algo algun alguna alguno ando ante aqui asi ayuda ayudar ayudarme ayudeme ayudenme bien buen buenas buenos ' +
    'como con cosa cosas creo da de del dia dias duda dudas el ella ellos en es esa ese eso esta estan este esto ' +
    'falla fallando favor funciona funcionan hay hola la las le les lo los mal me mi mis muy necesito no nos nuevo ' +
    'otra otro para pasa pasando pero podria por porfa problema problemas puede pueden puedo que quiero quisiera ' +
    'reportar reporte se ser si sirve sirven sobre solicitar solicitud su sus tal tarde tardes tengo ti tiene tienen ' +
    'tu un una uno unos usted ustedes va y ya yo'
  ).split(' '),
);

/** The words of `text` that carry what the request is about (not salutations, fillers or «problema»). */
export function contentWords(text: string): string[] {
  return foldCase(text)
    .split(/[^a-z0-9ñ]+/)
    .filter((w) => w.length > 1 && !GENERIC.has(w));
}

/**
 * True when a request says too little to route it: at most one word that is about something
 * («se trabó», «tengo un problema», «no funciona»).
 */
export function isVague(text: string): boolean {
  return contentWords(text).length <= 1;
}
