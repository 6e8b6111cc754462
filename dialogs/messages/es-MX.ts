/**
 * Every text the bot says to users, in Mexican Spanish and the formal «usted» register.
 *
 * Dialog code never writes user-facing Spanish inline: it takes it from here, so the coordinators' wording and the
 * protocol phrases (seed 002, «Protocolo de atención en la Mesa de Ayuda») change in one place.
 */
import type { FarewellTimeOfDay, TimeOfDayGreeting } from '../greeting';

/** Fixed texts. */
export const messages = {
  /** Protocol question that opens the attention (also the tail of the greeting). */
  askRequest: '¿En qué puedo ayudarle?',
  /** After the user answered «sí» to «¿Hay algo más…?». */
  askRequestAgain: 'Con gusto. ¿En qué más puedo ayudarle?',
  /** When the answer to the request question has no text (an image, a sticker, an empty message). */
  askRequestRetry:
    'Para poder ayudarle, por favor escríbame con sus propias palabras el problema que tiene o el servicio que necesita.',
  /** «menú» / «inicio». */
  mainMenu: [
    'Menú principal. Puede escribirme con sus propias palabras:',
    '• el problema o la falla que tiene (por ejemplo, «no puedo entrar a mi correo institucional»), o',
    '• el servicio que necesita (por ejemplo, «necesito que instalen un programa en mi equipo»).',
    '¿En qué puedo ayudarle?',
  ].join('\n'),
  /** «ayuda». The current question is repeated right after it. */
  help: [
    'Con gusto le explico. Soy el asistente virtual de la Mesa de Ayuda: recibo la descripción de su problema',
    'o del servicio que necesita y le oriento.',
    'En cualquier momento puede escribir «menú» para volver al inicio o «cancelar» para dejar lo que estemos haciendo.',
  ].join(' '),
  /** «cancelar» while something was in progress. */
  cancelled: 'De acuerdo, cancelé lo que estábamos haciendo.',
  /** «cancelar» when nothing was in progress. */
  nothingToCancel: 'De acuerdo, no tenemos ningún trámite en curso.',
  /** Protocol farewell question. */
  anythingElse: '¿Hay algo más en que pueda ayudarle?',
  /** When the answer to «¿Hay algo más…?» is neither yes nor no. */
  anythingElseRetry: 'Disculpe, no le entendí. ¿Hay algo más en que pueda ayudarle? Por favor, responda «sí» o «no».',
  /** Apology sent by the turn error handler. */
  turnError:
    'Lo siento, tuvimos un problema al procesar su mensaje. Ya lo registramos; por favor, inténtelo de nuevo en un momento.',
  /** The attention script, routing outcomes, tickets and status lookups. */
  attention: {
    /** Unclear request: a clarifying question, then the request is routed again. */
    /** A message without text (a photo, a sticker): the question is repeated after it. */
    textOnly: 'Por ahora solo puedo leer mensajes de texto. Por favor, escríbame su respuesta.',
    /** Still unclear after asking: registered for the desk to classify instead of turning the person away. */
    unclassified:
      'No logré identificar el servicio que necesita. Para no dejarle sin atención, registraré su solicitud con lo que me contó para que la Mesa de Ayuda la clasifique y le contacte.',
    clarify:
      'Para orientarle mejor, ¿podría contarme un poco más? Por ejemplo, qué equipo, sistema o servicio presenta el problema y qué sucede exactamente.',
    /** Ambiguous request. */
    didYouMean: (names: readonly string[]) =>
      names.length === 1
        ? `¿Se refiere a «${names[0]}»?`
        : `¿Se refiere a alguna de estas opciones?\n${names.map((n, i) => `${i + 1}. ${n}`).join('\n')}`,
    noneOfThese: 'Ninguna de estas',
    didYouMeanRetry: 'Disculpe, no le entendí. Elija una de las opciones, escriba su número, o «ninguna de estas».',
    /** Out of scope (seed 003, paso 4 «no»): orient, apologise, end. */
    referralPhone: (phone: string) => `Teléfono: ${phone}.`,
    outOfScopeApology: 'Le ofrezco una disculpa por no poder dar seguimiento a su petición desde este centro.',
    understood: (name: string) => `Entendido: su solicitud corresponde a «${name}».`,
    /** `either` services: fault or request. */
    faultOrRequest: '¿Se trata de una falla (algo que dejó de funcionar) o de una petición de servicio (algo nuevo que necesita)?',
    faultOrRequestRetry: 'Disculpe, ¿es una falla o una petición de servicio? Responda «falla» o «petición».',
    fault: 'Es una falla',
    request: 'Es una petición',
    /** Diagnostics and self-help (first level). */
    diagnosticsIntro: 'Le haré unas preguntas breves para identificar bien el problema.',
    yes: 'Sí',
    no: 'No',
    yesNoRetry: (question: string) => `Disculpe, no le entendí. ${question} Por favor, responda «sí» o «no».`,
    choiceRetry: (question: string) => `Disculpe, no le entendí. ${question} Elija una de las opciones.`,
    selfHelpIntro: 'Le propongo intentar lo siguiente:',
    informationIntro: 'Le comparto la información:',
    resolvedQuestion: 'Cuando lo haya intentado, dígame por favor: ¿se resolvió su problema?',
    resolvedRetry: '¿Se resolvió su problema? Por favor, responda «sí» o «no».',
    resolvedYes: 'Sí, se resolvió',
    resolvedNo: 'No, sigue igual',
    firstLevelDone: '¡Qué bueno! Me da gusto que haya quedado resuelto.',
    needsTicket: 'Lamento que no se haya resuelto. Voy a registrar un reporte para que un resolutor le atienda.',
    /** Identification (FO-CAU-01-01). */
    askUnitAndRole: 'Para atenderle, ¿de qué escuela, centro o unidad nos contacta, y es usted docente, personal administrativo, estudiante u otro?',
    askUnit: '¿De qué escuela, centro o unidad nos contacta?',
    unitRetry: 'Disculpe, no identifiqué la escuela, centro o unidad. ¿Me la puede escribir con su nombre o sus siglas? Por ejemplo: «ESCOM», «CECyT 9» o «Dirección de Capital Humano».',
    unitConfirm: (name: string) => `¿Se refiere a «${name}»?`,
    whichUnit: (names: readonly string[]) => `¿De cuál unidad se trata?\n${names.map((n, i) => `${i + 1}. ${n}`).join('\n')}`,
    askRole: '¿Es usted docente, personal administrativo, estudiante u otro?',
    roleRetry: 'Disculpe, no le entendí. ¿Es usted docente, personal administrativo, estudiante u otro?',
    roleOptions: ['Docente', 'Personal administrativo', 'Estudiante', 'Otro'],
    askExtension: '¿Cuál es su número de extensión? Si no tiene, escriba «no tengo».',
    extensionRetry: 'Disculpe, no identifiqué la extensión. Escríbala con números (por ejemplo, 52030) o escriba «no tengo».',
    noExtension: 'No tengo',
    /** Contact data for a ticket (seed 002, operación 6). */
    askContactAll:
      'Para registrar su solicitud necesito su nombre completo, un correo electrónico y un teléfono de contacto de 10 dígitos. Puede escribirlos en un solo mensaje.',
    askName: '¿Me indica su nombre completo, por favor?',
    nameRetry: 'Disculpe, necesito su nombre completo (nombre y apellidos), por ejemplo «Ana María López Pérez».',
    askEmail: '¿A qué correo electrónico le podemos escribir?',
    emailRetry: 'Disculpe, no identifiqué un correo electrónico. Escríbalo completo (por ejemplo, nombre@ipn.mx) o escriba «no tengo».',
    noEmail: 'No tengo correo',
    emailDidYouMean: (address: string) => `¿Quiso decir ${address}?`,
    emailInvalid: 'Ese correo electrónico no parece válido. ¿Me lo puede escribir de nuevo? Por ejemplo: nombre@ipn.mx',
    askPhone: '¿A qué teléfono le podemos llamar? Son 10 dígitos.',
    phoneRetry: 'Disculpe, no identifiqué el teléfono. Escríbalo con sus 10 dígitos (por ejemplo, 55 5729 6000) o escriba «no tengo».',
    noPhone: 'No tengo teléfono',
    phoneInvalid: 'El teléfono debe tener 10 dígitos, por ejemplo 55 5729 6000. ¿Me lo puede escribir de nuevo?',
    /** Known person: confirm instead of asking. */
    knownData: (summary: string) => `Tengo estos datos suyos: ${summary}. ¿Son correctos?`,
    whatChanged: '¿Qué dato cambió? Escríbame el dato correcto (por ejemplo, su nueva extensión o su correo).',
    dataUpdated: 'Gracias, actualicé sus datos.',
    /** Impact and urgency (seed 002). */
    askImpact: '¿A cuántas personas afecta este problema? Por ejemplo: solo a usted, a su área, a varias áreas o a toda la escuela.',
    impactRetry: 'Disculpe, no le entendí. ¿Afecta solo a usted, a su área, a varias áreas o a toda la escuela o unidad?',
    impactOptions: ['Solo a mí', 'A mi área', 'A varias áreas', 'A toda la escuela o unidad'],
    /** Registration. */
    ticketRegistered: (number: string, group: string) =>
      `Registré su reporte con el número ${number}. Lo atenderá el grupo «${group}»; un resolutor se pondrá en contacto con usted por correo electrónico o por teléfono.`,
    informativeRegistered: (number: string) =>
      `Su solicitud quedó registrada bajo el concepto CAU_INFORMATIVO_04A con el número ${number}. El área correspondiente le dará seguimiento por correo electrónico o por teléfono.`,
    keepNumber: 'Le sugiero conservar el número para dar seguimiento a su solicitud.',
    keepNumberNoContact:
      'Como no nos dejó correo ni teléfono, el resolutor le buscará en su extensión o en su unidad. Le sugiero conservar el número para dar seguimiento a su solicitud.',
    recovered: (number: string) =>
      `Le confirmo que su solicitud quedó registrada con el número ${number}; tuvimos un problema para enviarle la respuesta anterior.`,
    /** One-line summaries for the farewell. */
    summaryTicket: (number: string, name: string) => `registramos su reporte ${number} de «${name}»`,
    summaryInformative: (number: string) => `registramos su solicitud informativa ${number}`,
    summaryFirstLevel: (name: string) => `resolvimos «${name}» con los pasos de autoayuda`,
    summaryOutOfScope: 'le orientamos sobre dónde atienden su trámite',
    summaryStatus: (number: string) => `le informamos el estado del reporte ${number}`,
    summaryRecovered: (number: string) => `registramos su solicitud ${number}`,
    unclassifiedService: 'solicitud por clasificar',
    /** Status lookup. */
    noTicketNumber: 'No identifiqué un número de reporte. Cuando lo tenga a la mano, con gusto le informo su estado; tiene la forma CAU-2026-000123.',
    askTicketNumber: '¿Cuál es el número de su reporte? Tiene la forma CAU-2026-000123.',
    ticketNumberRetry: 'Disculpe, no identifiqué el número. Escríbalo como aparece en su comprobante, por ejemplo CAU-2026-000123.',
    codeSent:
      'Si los datos coinciden con los del reporte, le acabo de enviar un código de 6 dígitos a ese correo o teléfono. Escríbalo aquí para confirmar que es usted.',
    codeRetry: 'El código no coincide o ya venció. Revise el mensaje que le enviamos y escríbalo de nuevo (son 6 dígitos).',
    linked: 'Gracias, confirmé su identidad. Desde ahora le reconoceré también por este medio.',
    verifyOwner: 'Por seguridad, ¿me confirma el correo electrónico o el teléfono con el que se registró el reporte?',
    statusRefused:
      'Lo siento, no puedo darle información de ese número con los datos proporcionados. Si usted hizo el reporte, verifique el número o comuníquese con la Mesa de Ayuda desde el medio con el que lo registró.',
    status: (p: { number: string; service: string; status: string; updated: string; group: string }) =>
      `Su reporte ${p.number} («${p.service}») está en estado «${p.status}». Última actualización: ${p.updated}. Lo atiende el grupo «${p.group}».`,
  },
  /** E-mail: a whole request per message; one reply asks for everything missing. */
  email: {
    empty: 'Recibimos su correo, pero no encontramos texto en él. Por favor, escríbanos en el cuerpo del mensaje qué necesita.',
    needData: 'Para registrar su solicitud, le pido que responda a este correo con los siguientes datos:',
    stillMissing: 'Gracias. Para terminar el registro, todavía me falta:',
    replyToThis: 'Basta con responder a este mismo correo; no es necesario repetir lo que ya nos escribió.',
    slotQuestions: {
      name: 'Su nombre completo.',
      unit: 'La escuela, centro o unidad donde se encuentra.',
      role: 'Si es docente, personal administrativo o estudiante.',
      extension: 'Su extensión telefónica (si no tiene, indíquelo).',
      phone: 'Un teléfono de contacto a 10 dígitos (opcional).',
      email: 'Un correo electrónico de contacto.',
    } as Record<'name' | 'unit' | 'role' | 'extension' | 'phone' | 'email', string>,
    clarify:
      'Para orientarle mejor, ¿podría contarnos un poco más? Por ejemplo, qué equipo, sistema o servicio presenta el problema y qué sucede exactamente.',
    whichService: (names: readonly string[]) =>
      `Su solicitud puede corresponder a más de un servicio. Indíquenos cuál, con su número:\n${names.map((n, i) => `${i + 1}. ${n}`).join('\n')}`,
    meanwhile: 'Mientras un resolutor le contacta, puede intentar lo siguiente:',
    keepNumber: 'Le sugerimos conservar el número para dar seguimiento a su solicitud. Si necesita algo más, responda a este correo.',
    statusAndNote: (number: string) => `Agregamos lo que nos escribe al reporte ${number}, para que el grupo que lo atiende lo tome en cuenta.`,
    addedToTicket: (number: string) =>
      `Agregamos su mensaje al reporte ${number}; el grupo que lo atiende lo verá en su seguimiento. Si necesita algo más, responda a este correo.`,
    noTicketNumber:
      'Con gusto le informamos el estado de su reporte. Por favor, indíquenos el número, que tiene la forma CAU-2026-000123.',
    queued: 'Turnamos su mensaje a un agente de la Mesa de Ayuda; le responderá por este mismo medio.',
    noAgents: 'En este momento no hay agentes disponibles para atenderle por correo, así que registramos su solicitud para que le den seguimiento.',
  },
  /** Live-agent handoff: the queue, the agent, and what is offered when nobody can attend. */
  handoff: {
    /** Position and estimated wait once queued (seed 002, «Espera»: the person is told why and how long). */
    queued: (position: number, waitSeconds: number, onPhone = false) =>
      `${position <= 1 ? 'Usted es la siguiente persona en la fila' : `Está en el lugar ${position} de la fila`}; ` +
      `el tiempo estimado de espera es de ${waitPhrase(waitSeconds)}.` +
      // On the phone the caller hears only the hold announcements while queued: hanging up leaves the queue.
      (onPhone ? ' Por favor, no cuelgue.' : ' Puede escribir «cancelar» para salir de la fila.'),
    /** The conversation was already queued (nothing new was queued). */
    alreadyQueued: 'Ya está en la fila para hablar con un agente.',
    /** A message while queued (at most once a minute): it reaches the agent through the transcript. */
    queuedReminder: (position: number, waitSeconds: number) =>
      `Recibí su mensaje; el agente lo leerá al atenderle. Sigue en ${position <= 1 ? 'el primer lugar' : `el lugar ${position}`} de la fila ` +
      `(espera estimada: ${waitPhrase(waitSeconds)}). Puede escribir «cancelar» para salir de la fila.`,
    /** External agent hub: the request went out; the hub answers. */
    external: 'En un momento le atiende un agente. Por favor, permanezca en esta conversación.',
    accepted: (agentName: string) => `Le atiende ${agentName}.`,
    leftQueue: 'Salió de la fila. Si más adelante desea hablar con un agente, solo pídamelo.',
    /** Why nobody can attend now. */
    closed: (nextOpening?: string) =>
      nextOpening
        ? `En este momento la Mesa de Ayuda está fuera de horario; abre ${nextOpening}.`
        : 'En este momento la Mesa de Ayuda está fuera de horario.',
    noAgents: 'En este momento no hay agentes disponibles.',
    maxWait: 'Lamento la espera: en este momento ningún agente puede atenderle.',
    failed: 'Lo siento, no fue posible comunicarle con un agente.',
    /** What is offered instead: a ticket with what was said, or a call back. */
    offer: '¿Desea que registre un reporte con lo que me contó para que un resolutor le contacte, o prefiere que le llamemos?',
    offerRetry: 'Disculpe, no le entendí. ¿Registro un reporte, le llamamos, o ninguna de las dos?',
    offerCallbackOnly: '¿Desea que un agente le llame en cuanto sea posible?',
    offerCallbackOnlyRetry: 'Disculpe, no le entendí. ¿Desea que le llamemos? Por favor, responda «sí» o «no».',
    optionTicket: 'Registrar un reporte',
    optionCallback: 'Que me llamen',
    optionNone: 'Ninguna, gracias',
    /** On the phone: a voice message (recorded, attached to a ticket) or a call back. */
    offerVoice: '¿Desea dejarnos un mensaje de voz para registrarlo en un reporte, o prefiere que le llamemos?',
    offerVoiceRetry: 'Disculpe, no le entendí. ¿Deja un mensaje, le llamamos, o ninguna de las dos?',
    optionMessage: 'Dejar un mensaje',
    recordPrompt: 'Por favor, deje su mensaje después del tono: diga su nombre, su área y en qué podemos ayudarle. Al terminar, presione la tecla gato.',
    noMessage: 'No se grabó ningún mensaje.',
    voiceMessageDescription: (url: string, seconds: number) => `Mensaje de voz (${seconds} s): ${url}`,
    declined: 'De acuerdo. Si más adelante lo necesita, con gusto le ayudo.',
    askDescription: 'Para registrar su reporte, descríbame brevemente el problema o el servicio que necesita.',
    askContact: 'Para que un resolutor le contacte, ¿me deja un correo electrónico o un teléfono de 10 dígitos?',
    noContactOption: 'No tengo',
    askPhone: '¿A qué teléfono le llamamos? Son 10 dígitos.',
    phoneRetry: 'El teléfono debe tener 10 dígitos, por ejemplo 55 5729 6000. ¿Me lo puede escribir de nuevo?',
    noPhone: 'Sin un número de teléfono no puedo programar la llamada. Si lo desea, puede comunicarse de nuevo en horario de atención.',
    askWhen: (phone: string) =>
      `Le llamaremos al ${phone}. ¿Cuándo prefiere que le llamemos? Por ejemplo: «mañana a las 10» o «en cuanto se pueda».`,
    whenOptions: ['En cuanto se pueda', 'Mañana por la mañana', 'Mañana por la tarde'],
    callbackStored: (phone: string, when: string | null) =>
      `Listo: un agente le llamará al ${phone}${when ? ` (${when})` : ''}. Le sugiero tener su teléfono a la mano.`,
    /** One-line summaries for the farewell. */
    summaryAgent: (agentName: string) => `habló con ${agentName}, de la Mesa de Ayuda`,
    summaryAgentTicket: (agentName: string, number: string) => `habló con ${agentName}, de la Mesa de Ayuda, quien registró el reporte ${number}`,
    summaryCallback: (phone: string) => `programamos una llamada al ${phone}`,
  },
  /** The phone: what is said when the caller is silent. */
  voice: {
    /** Second silence in a row: the call goes to an agent. */
    noInputHandoff: 'No logro escucharle; para no hacerle esperar, le comunico con un agente de la Mesa de Ayuda.',
    /** After the greeting on the phone, when the switchboard is on (seed 000, step 03). */
    greetingTail: 'Si conoce la extensión a la que desea comunicarse, puede marcarla ahora, seguida de la tecla gato.',
    /** Second silence with no agents configured. */
    noInputGoodbye: 'No logro escucharle. Le invitamos a llamar de nuevo; hasta luego.',
  },
  /** The switchboard operator (seeds 000 and 001): find a person or area, give or dial the extension. */
  switchboard: {
    askWho: '¿Con quién o con qué área desea comunicarse? Si conoce la extensión, puede decírmela.',
    askWhoVoice: '¿Con quién o con qué área desea comunicarse? Si conoce la extensión, puede marcarla ahora.',
    notFound: (query: string) => `No encontré a «${query}» en el directorio. ¿Me puede repetir el nombre de la persona o del área?`,
    notFoundAgain: 'Lo siento, no encontré a esa persona o área en el directorio.',
    didYouMean: (name: string) => `¿Se refiere a ${name}?`,
    whichOne: (names: readonly string[]) => `Encontré varias opciones. ¿Con cuál desea comunicarse?\n${names.map((n, i) => `${i + 1}. ${n}`).join('\n')}`,
    noneOfThese: 'Ninguna de estas',
    whichRetry: 'Disculpe, no le entendí. Elija una de las opciones o diga «ninguna de estas».',
    /** Chat: the contact data. */
    contact: (name: string, parts: readonly string[]) => `Estos son los datos de ${name}: ${parts.join('; ')}.`,
    extension: (ext: string) => `extensión ${ext}`,
    phone: (phone: string) => `teléfono ${phone}`,
    email: (email: string) => `correo ${email}`,
    area: (area: string) => `área: ${area}`,
    noContactData: (name: string) => `Lo siento, no tengo datos de contacto de ${name} en el directorio.`,
    unavailable: (name: string, note: string | null) => `${capitalize(name)} no está disponible por ahora${note ? `: ${note}` : ''}.`,
    /** Voice: confirmation before dialling. */
    confirm: (name: string, ext: string | null) => `¿Lo comunico con ${name}${ext ? `, extensión ${ext}` : ''}?`,
    confirmRetry: (name: string) => `Disculpe, ¿lo comunico con ${name}? Por favor, responda sí o no.`,
    transferring: 'Con gusto, le comunico. No cuelgue, por favor.',
    noRoute: (name: string, ext: string | null) =>
      ext ? `No puedo transferir su llamada a ${name} desde aquí. Su extensión es ${ext}; puede marcarla directamente desde un teléfono de la red.` : `No puedo transferir su llamada a ${name} desde aquí.`,
    busy: (name: string, ext: string | null, status: 'busy' | 'no-answer' | 'failed') =>
      `${status === 'busy' ? `La línea de ${name}${ext ? `, extensión ${ext},` : ''} está ocupada` : status === 'no-answer' ? `${capitalize(name)}${ext ? `, extensión ${ext},` : ''} no contesta` : `No fue posible comunicarle con ${name}`}. ¿Desea esperar en la línea o prefiere que le llamemos más tarde?`,
    failed: (name: string) => `No fue posible comunicarle con ${name} en este momento. ¿Prefiere que le llamemos más tarde, o desea comunicarse con otra persona?`,
    stillBusy: (name: string) => `${capitalize(name)} sigue sin poder atenderle. ¿Desea seguir esperando o prefiere que le llamemos más tarde?`,
    busyRetry: 'Disculpe, no le entendí. ¿Desea esperar en la línea o que le llamemos más tarde?',
    wait: 'Esperar',
    callMe: 'Que me llamen',
    otherPerson: 'Otra persona',
    hold: 'Permítame, lo sigo atendiendo, no me cuelgue por favor.',
    askWhen: '¿A qué hora le gustaría que le llamemos? Por ejemplo: «mañana a las diez» o «hoy a las cuatro de la tarde».',
    whenRetry: 'Disculpe, no le entendí la hora. Dígame por ejemplo «mañana a las diez» o «en una hora».',
    askPhone: '¿A qué número le llamamos? Dígame los 10 dígitos, por favor.',
    phoneRetry: 'El teléfono debe tener 10 dígitos, por ejemplo 55 5729 6000. ¿Me lo repite, por favor?',
    confirmCallback: (when: string, phoneEnd: string) => `Le llamaremos ${when} al número que termina en ${phoneEnd}. ¿Es correcto?`,
    callbackBooked: (when: string, name: string) => `Listo. Le llamaremos ${when} para comunicarle con ${name}.`,
    callbackCancelled: 'De acuerdo, no programé ninguna llamada.',
    /** Outbound calls for internal staff (seed 002, steps 14–24). */
    outboundPhoneOnly: 'Las llamadas al exterior las solicita el personal interno por teléfono, desde su extensión y con su NIP.',
    outboundAskExtension: 'Las llamadas al exterior son solo para el personal interno. Por favor, dígame o marque su extensión.',
    outboundAskPin: 'Ahora marque su NIP, por favor.',
    outboundBadPin: 'La extensión o el NIP no son correctos.',
    outboundRefused: 'Lo siento, no pude verificar sus datos, así que no puedo hacer la llamada. Si lo necesita, solicite su NIP a la coordinación.',
    outboundAskNumber: (name: string) => `Gracias, ${name}. ¿A qué número desea llamar? Dígame o marque los 10 dígitos.`,
    outboundAskWho: '¿Con quién desea comunicarse?',
    outboundBooked: (phoneEnd: string, extension: string) =>
      `Listo. En un momento marcamos al número que termina en ${phoneEnd}; cuando contesten, le enlazamos a su extensión ${extension}. Puede colgar.`,
    summaryOutbound: (phoneEnd: string) => `solicitó una llamada al exterior al número que termina en ${phoneEnd}`,
    summaryContact: (name: string) => `le di los datos de contacto de ${name}`,
    summaryTransferred: (name: string) => `le comuniqué con ${name}`,
    summaryCallback: (name: string, when: string) => `programamos una llamada ${when} para comunicarle con ${name}`,
  },
} as const;

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** «menos de un minuto», «un minuto», «unos 3 minutos». */
export function waitPhrase(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 45) return 'menos de un minuto';
  const minutes = Math.max(1, Math.round(seconds / 60));
  return minutes === 1 ? 'un minuto' : `unos ${minutes} minutos`;
}

/** Parameters of the protocol greeting. */
export interface GreetingParams {
  readonly timeOfDay: TimeOfDayGreeting;
  readonly botName: string;
  readonly orgName: string;
  /** Whether to end with «¿En qué puedo ayudarle?» (not when the user already wrote the request). */
  readonly ask: boolean;
}

/** «Buenos días, le atiende <bot>, el asistente virtual de <org>. ¿En qué puedo ayudarle?» */
export function greeting(params: GreetingParams): string {
  const opening = `${params.timeOfDay}, le atiende ${params.botName}, el asistente virtual de ${params.orgName}.`;
  return params.ask ? `${opening} ${messages.askRequest}` : opening;
}

/** Parameters of the protocol farewell. */
export interface FarewellParams {
  readonly botName: string;
  readonly closing: FarewellTimeOfDay;
  /** One line per request attended in the conversation (lower-case clauses, e.g. «registramos su reporte …»). */
  readonly summary?: readonly string[];
}

/**
 * «Fue un gusto atenderle. En resumen, registramos su reporte CAU-2026-000123. Le recuerdo que le atendió <bot>;
 * hasta luego, que tenga buen día.»
 */
export function farewell(params: FarewellParams): string {
  const summary = params.summary && params.summary.length > 0 ? ` En resumen, ${joinSummaries(params.summary)}.` : '';
  return `Fue un gusto atenderle.${summary} Le recuerdo que le atendió ${params.botName}; hasta luego, ${params.closing}.`;
}

function joinSummaries(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join('; ')} y ${items[items.length - 1]}`;
}
