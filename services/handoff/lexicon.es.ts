/**
 * Spanish (es-MX) word lists of the handoff triggers (`triggers.ts`). Every pattern is a regular-expression source
 * matched against text already passed through `normalizeText(text, 'es')`: lower case, no accents (ñ → n), only
 * `[a-z0-9]` words separated by single spaces, digits folded to `0`. Patterns are anchored at word boundaries by the
 * code that compiles them, so `inutil` does not match inside `inutilizado`.
 *
 * Coordinators may want to tune these lists; they are kept apart from the logic for that reason. Insults are kept to
 * a moderate, professional list: enough to notice an upset person, not a dictionary of profanity.
 */

/** A pattern and its weight: negative weights for anger, positive for urgency. */
export type WeightedPattern = readonly [source: string, weight: number];

// ------------------------------------------------------------------------------------------------------------------
// Asking for a human
// ------------------------------------------------------------------------------------------------------------------

/** Misspellings and speech-to-text forms rewritten before the request patterns run (applied in order). */
export const HUMAN_REWRITES: readonly (readonly [source: string, replacement: string])[] = [
  ['a?j+ente|ahente|agenete|agnete|ajnte|agent|agete|ajentes', 'agente'],
  ['(?<=(?:un|con|al|el|otro) )a gente', 'agente'],
  ['(?:h|j)?u+mano', 'humano'],
  ['(?:h|j)?u+manos', 'humanos'],
  ['pesona|perzona|persoma|presona|persna|perosna|pwrsona', 'persona'],
  ['operdora|oparadora|operadara|operaodra|opradora', 'operadora'],
  ['acesor|asesro|acesora|asezor', 'asesor'],
  ['kiero|qiero|quiro|quero', 'quiero'],
  ['kisiera|quiciera|kiciera', 'quisiera'],
  ['nesesito|nececito|nesecito|nesito|necsito|nesesitp', 'necesito'],
  ['ablar|havlar|hablr|hablarr', 'hablar'],
  ['pazame|pasame|pasme', 'pasame'],
  ['comunicame|comunikame|comunicame', 'comunicame'],
  ['comunikeme|comuniqeme|comuniquemen', 'comuniqueme'],
  ['robo t|rovot|robots', 'robot'],
];

/** People the bot can hand over to, in phrases with a verb («hablar con…», «me pasa con…»). */
const PERSON =
  'agentes?|personas?|humanos?|humanas?|ser humano|operador(?:a|es|as)?|asesor(?:a|es|as)?|ejecutiv[oa]s?|' +
  'representantes?|alguien|gente|tecnic[oa]s?|supervisor(?:a|es|as)?|encargad[oa]s?|especialistas?';

/** People that may also be asked for with a bare «quiero / necesito un…». */
const PERSON_WANTED =
  'agentes?|personas?|humanos?|humanas?|ser humano|operador(?:a)?|asesor(?:a)?|ejecutiv[oa]|representante|supervisor(?:a)?';

/**
 * Words that may follow «de» after the person and still mean this help desk («alguien de sistemas», «un agente de la
 * mesa de ayuda»). Any other «de …» names a different person or area («el agente de seguridad», «alguien de recursos
 * humanos»), which is a switchboard request or plain talk, not a handoff.
 */
const HELP_DESK = 'mesa|soporte|sistemas|servicio|atencion|cau|ayuda|informatica|computo|verdad|carne|aqui|ti|tic|tecnologias|tecnologia|la mesa|soporte tecnico|esta|este|ustedes|la linea';

/** What may follow the person without making it someone else (see {@link HELP_DESK}). */
const NOT_SOMEONE_ELSE = `(?! (?:de|del) (?!(?:la |el )?(?:${HELP_DESK})\\b))(?! (?:antivirus|vpn|remoto|instalador|kaspersky|eset|defender|sophos|de seguridad)\\b)`;

const ARTICLE = '(?:(?:a |con )?(?:un|una|el|la|los|las|algun|alguna|otro|otra|su|tu|a) )?';

/** Verbs that take «con» + the person: «hablar con», «comuníqueme con», «me pasa con», «transfiérame con». */
const VERB_CON =
  'hablar|platicar|chatear|comunicar(?:me|nos|se)?|comunica(?:me|n|nme)?|comunique(?:me|n|nme)?|comuniques(?:me)?|' +
  'comuniqueme|pasame|pasar(?:me)?|paseme|pasenme|me pasa(?:s|n)?|me pase(?:s|n)?|me puede pasar|me podria pasar|' +
  'transfier[ae](?:me|n|nme)?|transferir(?:me)?|transfiereme|conecta(?:me|r|rme)?|conecte(?:me|n)?|conectarme|' +
  'enlaza(?:me|r|rme)?|enlace(?:me)?|contactar(?:me)?|atender(?:me)?';

/** Verbs whose subject is the person: «que me atienda una persona», «que me llame un agente». */
const VERB_SUBJECT = 'atienda|atiendan|conteste|contesten|responda|ayude|hable|llame|marque|contacte';

/** Verbs of wanting: «quiero un agente», «necesito a alguien real». */
const WANT =
  'quiero|quisiera|necesito|ocupo|pido|solicito|prefiero|exijo|deseo|me gustaria|dame|deme|denme|busco|mejor|mandame|mandeme';

/** Polite filler allowed around a bare «agente» / «una persona» message. */
const FILLER =
  'por favor|porfa|porfavor|plis|please|hola|oiga|oye|disculpe|buenas|buenos dias|buenas tardes|buenas noches|ya|mejor|' +
  'solo|nada mas|nomas|gracias|urgente|bueno|este|eh|mmm|si|ok|quiero|necesito|ocupo|ahora|ahorita|rapido';

/** «Páseme…» and the like, which take the person directly or with «a» («páseme a una persona»). */
const PASS_ME =
  'pasame|paseme|pasenme|me pasa(?:s|n)?|me puede pasar|me podria pasar|transfiereme|transfierame|comuniqueme|comunicame';

/** What follows «¿hay alguien…?» when it asks for someone to attend. */
const AVAILABLE = 'ahi|alli|aqui|en linea|real|disponible|libre|que me|con quien|atendiendo';

/** Things that are not a person, for «no quiero hablar con un robot». */
const MACHINE = 'robot|bot|chatbot|maquina|contestadora|grabacion|computadora|sistema automatico|inteligencia artificial|ia|programa';

/** Request patterns, any of which makes `asksForHuman` true. */
export const HUMAN_REQUEST_PATTERNS: readonly string[] = [
  // «quiero hablar con una persona», «¿me comunica con alguien?», «pásame con un agente de la mesa»
  `(?:${VERB_CON})(?: [a-z0-9]+){0,2} con ${ARTICLE}(?:${PERSON})${NOT_SOMEONE_ELSE}`,
  // «que me atienda una persona», «necesito que alguien me conteste»
  `que (?:me |nos )?(?:${VERB_SUBJECT}) ${ARTICLE}(?:${PERSON})${NOT_SOMEONE_ELSE}`,
  `que (?:alguien|una persona|un agente|un humano|un asesor|una operadora) (?:me |nos )?(?:${VERB_SUBJECT})`,
  // «quiero un agente», «necesito una persona», «prefiero un humano»
  `(?:${WANT}) (?:a |con )?(?:un|una|algun|alguna|otro|otra) (?:${PERSON_WANTED})${NOT_SOMEONE_ELSE}`,
  `(?:${WANT}) (?:a |con )?(?:alguien|una persona|un humano) (?:real|de verdad|de carne y hueso|humano|en vivo)`,
  `(?:${WANT}|puedo|podria) ser atendid[oa] por ${ARTICLE}(?:${PERSON})${NOT_SOMEONE_ELSE}`,
  // «persona real», «un ser humano», «agente humano», «atención personalizada»
  'persona (?:real|de verdad|de carne y hueso|fisica|viva)|ser humano|(?:agente|asesor|operador|operadora|soporte|atencion|alguien) (?:humano|humana|real|en vivo)',
  'atencion (?:personal|personalizada)',
  // «no quiero hablar con un robot», «con una máquina no», «basta de robots»
  `no (?:quiero|deseo|me gusta|me sirve|voy a) (?:[a-z0-9]+ ){0,3}(?:${MACHINE})`,
  `(?:basta|ya estuvo|ya chole|ya no quiero|deja|dejame) (?:de |con )?(?:[a-z0-9]+ ){0,2}(?:${MACHINE})s?`,
  `con (?:un |una |el |la )?(?:${MACHINE}) no`,
  // «¿hay alguien ahí?», «¿alguien que me atienda?»
  `hay alguien(?: (?:${AVAILABLE})|$)`,
  `hay (?:algun|alguna|un|una) (?:${PERSON_WANTED}) (?:${AVAILABLE})`,
  // «me podría atender un agente», «páseme a una persona»
  `me (?:puede|podria|pudiera|pueden|podrian) (?:atender|contestar|llamar|ayudar) ${ARTICLE}(?:${PERSON_WANTED})${NOT_SOMEONE_ELSE}`,
  `(?:${PASS_ME}) (?:a |con )?(?:un |una |algun |alguna |el |la )?(?:${PERSON})${NOT_SOMEONE_ELSE}`,
  `alguien que me (?:${VERB_SUBJECT})`,
  // the whole message is the person: «agente», «una persona por favor», «operadora!!»
  `^(?:(?:${FILLER}) )*(?:con )?(?:un |una |el |la |a un |a una )?` +
  '(?:agentes?|humano|humana|persona|operador|operadora|asesor|asesora|ejecutivo|ejecutiva|representante|supervisor|supervisora)' +
  `(?: (?:real|humano|humana|de verdad|en vivo|de la mesa de ayuda|de soporte))?(?: (?:${FILLER}))*$`,
];

// ------------------------------------------------------------------------------------------------------------------
// Anger, insults and urgency
// ------------------------------------------------------------------------------------------------------------------

/**
 * Insults and profanity (any one makes `insult` true). Aimed at the service or at the object, they still say the
 * person is upset: «esta pinche impresora» is as good a reason to bring a person in as «son unos inútiles».
 */
export const INSULTS: readonly string[] = [
  'pendej[oa]s?|pendejadas?|idiotas?|imbecil(?:es)?|estupid[oa]s?|inutil(?:es)?|incompetentes?|inept[oa]s?|tarad[oa]s?',
  'pinches?|chingad[oa]s?|chingar|chinguen|chingue|cabron(?:es)?|culer[oa]s?|mierdas?|carajo|a la verga|vergas?',
  'mamadas?|no mames|no mamen|poca madre|vale madres?|valiendo madres?|hasta la madre|hij[oa]s? de su (?:madre|pinche|puta)',
  'maldit[oa]s?|mugrer[oa]|mugre de|jodid[oa]s?|que asco|rateros|bueno para nada|buenos para nada',
];

/**
 * Complaint and anger phrases with their weight, added to the sentiment sum. Explicit anger («pésimo», «estoy harto»,
 * «es una vergüenza») weighs −1.5, enough to trigger on its own in a message of up to about nine words; softer
 * complaints («llevo tres días», «otra vez lo mismo») need company.
 */
export const ANGER_PHRASES: readonly WeightedPattern[] = [
  ['(?:es|que|esto es|son) una? (?:verguenza|burla|falta de respeto|porqueria|basura|desgracia)|que verguenza|porquerias?|(?:que|esta|este|pura|puro) (?:basura|cochinero|desmadre)', -1.5],
  ['pesim[oa]s?|malisim[oa]s?|(?:mal[oa]?|horrible|terrible) (?:servicio|atencion)|(?:servicio|atencion) (?:muy |bien |tan )?(?:mal[oa]|horrible|terrible)', -1.5],
  ['(?:ya )?me (?:harte|canse|tienen hart[oa]|tienen cansad[oa])|estoy hart[oa]|estoy cansad[oa] de|ya basta|ya estuvo bueno|es el colmo|el colmo', -1.5],
  ['(?:estoy|ando|me siento) (?:muy |bien |super )?(?:molest[oa]|enojad[oa]|furios[oa]|frustrad[oa]|indignad[oa]|encabronad[oa]|emputad[oa]|desesperad[oa]|angustiad[oa])', -1.5],
  ['(?:que|me da|me dan|tengo) (?:mucho )?coraje|que rabia|me da rabia', -1.5],
  ['que fastidio|no puede ser|no es posible que|no lo puedo creer|increible que|hasta cuando', -0.8],
  ['nadie (?:me |nos )?(?:ayuda|ayude|resuelve|resuelva|contesta|conteste|atiende|atienda|hace caso|haga caso|responde|responda|hace nada|haga nada)|no hacen nada|nunca contestan|nunca resuelven', -1],
  ['no (?:sirven?|sirves|sirve este bot|funcionan) para nada|no sirve de nada (?:este|esta|su|el bot)|gracias por nada|no entiendes? nada|no me entiendes?', -1.5],
  ['(?:voy a|vamos a) (?:poner|levantar|presentar|hacer|meter) una (?:queja|denuncia)|me voy a quejar|voy a quejarme|reportarlos? con', -1],
  ['(?:quiero|necesito) (?:poner|levantar|presentar|hacer|meter) una (?:queja|denuncia)', -0.5],
  ['(?:otra vez|de nuevo|nuevamente|siempre) (?:lo mismo|la misma)|siempre es lo mismo|cada semana es lo mismo|ya van (?:0|dos|tres|cuatro|cinco|varias|muchas|mil) veces|por (?:tercera|cuarta|quinta|enesima|milesima) vez|ya (?:lo |les )?(?:reporte|he reportado|hemos reportado) (?:0|varias|muchas|mil|tres|cuatro|cinco) veces', -0.8],
  ['llevo (?:0|dos|tres|cuatro|cinco|varios|muchos) (?:dias|semanas|meses|horas)|llevo (?:todo el dia|toda la manana|toda la semana|horas|dias|semanas|rato)', -0.5],
  ['me (?:estan|estas) tomando el pelo|se burlan|no me (?:estan|estas) ayudando|no me ayudan|que servicio tan|ya (?:les |te |se lo |se los )?(?:dije|explique|habia dicho)|cuantas veces (?:les |te )?tengo que', -0.8],
];

/**
 * Words whose sentiment-lexicon polarity describes an IT fault or help-desk talk rather than feelings («error»,
 * «falla», «bloqueado», «amenaza» detected by the antivirus, «correo basura», «solo», «bien lento»): polarity 0.
 */
export const NEUTRAL_WORDS: readonly string[] = [
  'problema', 'problemas', 'error', 'errores', 'falla', 'fallas', 'fallo', 'fallos', 'fallo', 'fallida', 'fallidas', 'fallido', 'fallidos',
  'bloqueado', 'bloqueada', 'bloqueo', 'bloquear', 'bloque', 'perdido', 'perdida', 'perdidas', 'perder', 'perdi', 'olvide', 'olvidado',
  'olvidar', 'roto', 'rota', 'rompio', 'danado', 'danada', 'dano', 'caido', 'caida', 'desconectado', 'atascado', 'atascada', 'negado',
  'denegado', 'cancelado', 'cancelar', 'rechazado', 'restringido', 'suspendido', 'amenaza', 'amenazas', 'ataque', 'virus', 'seguridad',
  'seguro', 'segura', 'ayuda', 'ayudar', 'favor', 'urgente', 'emergencia', 'espera', 'esperando', 'cuidado', 'guardar', 'guardado',
  'borrado', 'solucion', 'resolver', 'limite', 'limites', 'apoyo', 'soporte', 'acceso', 'cuarentena', 'alerta', 'advertencia',
  'advertencias', 'critico', 'basura', 'spam', 'carga', 'cargado', 'corte', 'cortes', 'cortar', 'detenido', 'detener', 'detiene', 'pagar',
  'impuesto', 'demanda', 'bajo', 'solo', 'sola', 'salir', 'negativo', 'falso', 'raro', 'extrano', 'vacio', 'vacia', 'gris', 'oscuridad',
  'hueco', 'crudo', 'bla', 'barrera', 'retraso', 'tension', 'choque', 'fantasma', 'prohibido', 'ignorar', 'ignorado', 'claro', 'super',
  'grande', 'nuevo', 'activo', 'permitir', 'acuerdo', 'legal', 'dios', 'si', 'bien', 'gustaria', 'gusta', 'querer', 'cierto', 'listo',
  'mejor', 'importante', 'llegar', 'natural', 'materia', 'oro', 'fuego', 'disparar', 'bomba', 'carga', 'cargos', 'deuda', 'falta',
  'faltante', 'lento', 'lenta', 'grave', 'dificil', 'complicado', 'duda', 'dudas', 'queja', 'quejas', 'reclamacion', 'molestia',
  'mal', 'malo', 'mala', 'peor', 'senorita', 'presion', 'riesgo', 'riesgos', 'inmune', 'infectado', 'infeccion', 'spam', 'desperdicio',
  'estres', 'examen', 'retenido', 'bloqueados', 'restriccion', 'excluido', 'exento', 'borrar', 'escape', 'volcar', 'desechar', 'fake',
  'trampa', 'sospechoso', 'alcance', 'reprobado', 'rapido', 'vivo', 'fuerte', 'hambre', 'tienen', 'solamente', 'problematico',
  'todo', 'todos', 'toda', 'todas', 'auxilio', 'socorro', 'compartido', 'compartida', 'compartir', 'sospechosa', 'incorrecto',
  'incorrecta', 'desconocido', 'desconocida',
];

/** Negations (added to natural's `no, nunca, jamás, ni`): they flip the polarity of the next few words. */
export const EXTRA_NEGATIONS: readonly string[] = ['nada', 'tampoco', 'sin', 'nadie', 'ningun', 'ninguna', 'ninguno'];

/** Intensifiers: the next word's polarity counts 1.5 times («muy mala», «bien grosero»). */
export const INTENSIFIERS: readonly string[] = ['muy', 'super', 'bien', 'demasiado', 'tan', 're', 'bastante', 'extremadamente'];

/**
 * Urgency and distress cues with their weight; `urgent` is true when the sum reaches 1. Strong cues weigh 1 on their
 * own («urgente», «emergencia», «me van a correr»); weak ones need company («examen» + «en 10 minutos»).
 * Negative weights cancel («no es urgente», «cuando puedan»).
 */
export const URGENCY_CUES: readonly WeightedPattern[] = [
  ['urgente|urgentemente|urgencia|urge|me urge|es urgentisimo|urgentisimo', 1],
  ['emergencia|auxilio|socorro|ayudenme por favor|ayudeme por favor|por favor ayudenme|por favor ayudeme', 1],
  ['me (?:va|van|vayan) a (?:correr|despedir|levantar un acta|sancionar|reprobar|dar de baja|matar|reganar)|me corren|me despiden|me reprueban', 1],
  ['(?:se (?:me )?(?:perdio|borro|borraron|perdieron|elimino)|perdi) (?:todo|toda|todos|todas|mi tesis|la tesis|mi trabajo|mis archivos|mi informacion)', 1],
  ['es para hoy|(?:lo|la|los|las) (?:necesito|ocupo) (?:para )?(?:hoy|ya|ahorita|ahora|ahora mismo|en este momento|de inmediato|urgente)|es para ya|para ahorita|en este momento lo necesito', 1],
  ['(?:ya )?no me da tiempo|se me acaba el tiempo|se acaba el tiempo|(?:se )?(?:vence|cierra|termina|acaba) (?:hoy|en 0|en una hora|en unos minutos|a las 0)|(?:la )?fecha limite es hoy|ultimo dia|hoy es el ultimo dia|ultima oportunidad', 1],
  ['estoy desesperad[oa]|desesperacion|estoy angustiad[oa]|angustia|tengo miedo de|voy a reprobar', 1],
  ['examen|examenes|evaluacion en linea|entrega|entregar|plazo|mi jefe|el director|la directora|calificaciones|tesis|titulacion', 0.5],
  ['en 0 (?:minutos|min|hora|horas)|en unos minutos|en media hora|en una hora|ahorita|ya mismo|rapido|apurate|apurense|hoy mismo|es importante|muy importante|cuanto antes|lo antes posible|de inmediato|inmediatamente|ahora mismo', 0.5],
  ['no es (?:tan |muy |nada )?urgente|nada urgente|sin prisa|no (?:hay|corre) prisa|cuando (?:puedan|tengan tiempo|tengan oportunidad)|no urge', -2],
];
