/**
 * What the handoff service says to the person and offers the agent (es-MX, «usted»), after the attention protocol
 * (seed 002): greeting with the agent's name, the hold phrase every 20–30 s, and the farewell that reminds the name.
 */
type DayPart = 'morning' | 'afternoon' | 'evening';

const GREETINGS: Record<DayPart, string> = { morning: 'Buenos días', afternoon: 'Buenas tardes', evening: 'Buenas noches' };
const WISHES: Record<DayPart, string> = { morning: 'que tenga buen día', afternoon: 'que tenga buena tarde', evening: 'que tenga buena noche' };

/** «3 minutos», «1 minuto», «menos de un minuto». */
export function describeWait(seconds: number): string {
  if (seconds < 60) return 'menos de un minuto';
  const minutes = Math.round(seconds / 60);
  return minutes === 1 ? 'un minuto' : `${minutes} minutos`;
}

export const HANDOFF_TEXTS = {
  greeting: (part: DayPart, agentName: string) => `${GREETINGS[part]}, le atiende ${agentName}, ¿en qué puedo ayudarle?`,
  /** The protocol hold phrase, for chat (the voice channel says «no me cuelgue»). */
  holdAgent: 'Permítame, lo sigo atendiendo; no cierre esta conversación, por favor.',
  anythingElse: '¿Hay algo más en que pueda ayudarle?',
  farewell: (part: DayPart, agentName: string) =>
    `¿Hay algo más en que pueda ayudarle? Le recuerdo mi nombre, ${agentName}. Hasta luego, ${WISHES[part]}.`,
  holdQueued: (position: number, waitSeconds: number, onlyMoved: boolean) =>
    onlyMoved
      ? `Avanzó en la fila: ahora está en el lugar ${position}; la espera estimada es de ${describeWait(waitSeconds)}.`
      : `Permítame, lo sigo atendiendo; en breve le atiende un agente. Está en el lugar ${position} de la fila ` +
        `(espera estimada: ${describeWait(waitSeconds)}). Si prefiere salir de la fila, escriba «cancelar».`,
  holdOffered: 'Permítame, lo sigo atendiendo; un agente está por tomar su conversación.',
  agentLost:
    'Una disculpa: el agente que le atendía perdió la conexión. Lo regreso al primer lugar de la fila para que otro agente continúe.',
  ticketRegistered: (number: string) => `Registré su solicitud con el número ${number}. Un resolutor le contactará.`,
  transferred: (agentName: string | null) =>
    agentName
      ? `Le transfiero con ${agentName}, quien continuará con su atención. Permítame un momento, por favor.`
      : 'Le transfiero con el área que atiende su asunto. Permítame un momento, por favor; lo sigo atendiendo.',
} as const;
