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
  /** Replies of the request handler used until the service catalog and tickets are enabled. */
  catalogRoute: {
    understood: (name: string) => `Entiendo que su solicitud corresponde al servicio «${name}».`,
    informative: (name: string) => `Entiendo que su consulta corresponde a «${name}», que el centro atiende de manera informativa.`,
    ambiguous: (first: string, second: string) => `Su solicitud podría corresponder a «${first}» o a «${second}».`,
    selfHelpIntro: 'Mientras tanto, puede intentar lo siguiente:',
    outOfScopeApology: 'Lamentamos no poder atenderle en este centro. Gracias por su comprensión.',
    referralPhone: (phone: string) => `Teléfono: ${phone}.`,
    registrationPending:
      'El registro de tickets en este canal se está habilitando; el personal de la Mesa de Ayuda puede registrarlo por teléfono o en persona en el horario de atención.',
  },
  pendingCatalog: {
    noted: 'Gracias, tomé nota de la descripción de su solicitud.',
    enabling:
      'Estamos habilitando en este canal la consulta del catálogo de servicios y el registro de tickets, por lo que todavía no puedo darle un número de ticket.',
    meanwhile:
      'Mientras tanto, el personal de la Mesa de Ayuda puede atenderle por teléfono o en persona en el horario de atención.',
  },
} as const;

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
}

/** «Fue un gusto atenderle. Le recuerdo que le atendió <bot>; hasta luego, que tenga buen día.» */
export function farewell(params: FarewellParams): string {
  return `Fue un gusto atenderle. Le recuerdo que le atendió ${params.botName}; hasta luego, ${params.closing}.`;
}
