/**
 * What the phone channel itself says (es-MX, «usted»), beside the bot's own messages: the recording notice, the
 * repeat after silence, the hold announcements while the caller waits for an agent, and the fallback apology.
 * The hold phrase is the protocol's (seed 002), in its phone wording.
 */

/** «menos de un minuto», «alrededor de un minuto», «unos 3 minutos». */
export function spokenWait(seconds: number): string {
  if (seconds < 60) return 'menos de un minuto';
  const minutes = Math.round(seconds / 60);
  return minutes === 1 ? 'alrededor de un minuto' : `unos ${minutes} minutos`;
}

export const VOICE_TEXTS = {
  /** Said in the greeting turn when VOICE_RECORDING=on, before the recording starts. */
  recordingNotice: 'Esta llamada puede ser grabada para fines de calidad.',
  /** First silence: before the question is repeated. */
  stillThere: '¿Sigue ahí?',
  /** Speech recognised with very low confidence: before the question is repeated. */
  notUnderstood: 'Disculpe, no le entendí bien.',
  /** Repeated when the bot asked nothing in particular. */
  defaultPrompt: 'Dígame, por favor, ¿en qué puedo ayudarle?',
  /** Third silence in a row. */
  silenceGoodbye:
    'Como no escucho respuesta, voy a terminar la llamada. Si lo necesita, vuelva a llamarnos. Hasta luego, que tenga buen día.',
  /** The protocol hold phrase on the phone, every VOICE_HOLD_SECONDS while the caller waits. */
  hold: 'Permítame, lo sigo atendiendo, no me cuelgue por favor.',
  queuePosition: (position: number, waitSeconds: number) =>
    `${position <= 1 ? 'Usted es la siguiente persona en la fila' : `Su lugar en la fila es el ${position}`}; el tiempo estimado es de ${spokenWait(waitSeconds)}.`,
  /** The conversation was offered to an agent who has not taken it yet. */
  agentComing: 'Un agente está por atenderle.',
  /** The agent transferred the call to another agent. */
  transferring: 'Le transfiero con otro agente; permítame un momento, por favor, no me cuelgue.',
  /** The agent hung up after talking with the caller. */
  bridgedFarewell: (closing: string) => `Gracias por comunicarse con nosotros. Hasta luego, ${closing}.`,
  /** Fallback URL: something failed on our side. */
  fallbackApology: 'Una disculpa, tuvimos un problema técnico. Le comunico con un agente; permítame un momento, por favor.',
  fallbackNobody:
    'Una disculpa, tuvimos un problema técnico y en este momento no hay agentes disponibles. ' +
    'Si desea que le devolvamos la llamada a este número, diga sí o marque 1. Si no, puede colgar.',
  fallbackCallbackBooked: 'Listo, le devolveremos la llamada a este número en cuanto sea posible. Hasta luego, que tenga buen día.',
  fallbackBye: 'Una disculpa por las molestias. Puede volver a llamarnos más tarde. Hasta luego, que tenga buen día.',
  /** Said to the agent when their phone answers, before the caller is bridged. */
  agentSummary: (group: string, request: string | null) =>
    `Llamada de la fila ${group}.${request ? ` La persona dijo: ${request}.` : ''} Le comunico.`,
  /** A callback call for an agent, after «Buenos días, » (the scheduler called the person back). */
  callbackIntro: 'le llamamos de la Mesa de Ayuda, como lo solicitó. Le comunico con un agente; permítame un momento, por favor.',
  callbackNobody: (closing: string) =>
    `Una disculpa, en este momento ningún agente puede atenderle. Puede llamarnos cuando lo necesite. Hasta luego, ${closing}.`,
  /** For the agent's context: where the callback came from. */
  callbackSummary: (conversationId: string) => `devolución de llamada solicitada en la conversación ${conversationId}`,
  /** Nothing could be done with the request (an unknown call, a broken state). */
  generic: 'Una disculpa, no pude continuar con su llamada. Por favor, vuelva a llamarnos. Hasta luego.',
} as const;
