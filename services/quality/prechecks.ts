/**
 * The automatic pre-checks of the quality review: pure functions from what a conversation recorded (its transcript,
 * attentions, handoffs and call) to a result per pre-checked protocol item with its evidence in Spanish, which the
 * reviewer then confirms or overrides. The protocol (seed 001 annex 1, seed 002): answer at once (no more than four
 * rings), greet with one's name, complete the attention script, contact the person every 20–30 s while they wait,
 * transfer as asked, and say goodbye kindly.
 */
import { FAREWELL, GIVES_NAME, GREETING, LEFT, VOICE, accepted, agentGreeting, agentHoldGaps, agentImmediacy, quote, seconds, transferOutcome } from './agent-prechecks';
import type { PrecheckedKey, Verdict } from './checklist';

export { agentPrechecks } from './agent-prechecks';

/** One transcript line. `system` = the automatic hold and position messages. */
export interface FactLine {
  seq: number;
  at: Date;
  direction: 'in' | 'out';
  from: 'person' | 'bot' | 'agent' | 'system';
  /** The agent's display name (agent lines), when recorded. */
  name: string | null;
  text: string;
}

/** Who the attention script identified (the requester on file, or the slots handed to the agent). */
export interface FactPerson {
  name?: string | null;
  unitCode?: string | null;
  unitName?: string | null;
  role?: string | null;
  extension?: string | null;
  noExtension?: boolean | null;
  email?: string | null;
  phone?: string | null;
}

/** One request attended in the conversation. */
export interface FactAttention {
  outcome: string;
  description: string | null;
  person: FactPerson | null;
}

/** One handoff to a live agent. */
export interface FactHandoff {
  /** The handoff's id (to find one handoff among a conversation's). */
  id?: string;
  queuedAt: Date;
  acceptedAt: Date | null;
  closedAt: Date | null;
  status: string;
  closeReason: string | null;
  resolverGroup: string;
  agentUserId: string | null;
  agentName: string | null;
  transferNote: string | null;
  /** What the bot handed over: `request`, `person` (identification slots). */
  context: { request?: unknown; person?: unknown };
}

/** The person's phone call. `transfers`: { name, extension, status }[] as the voice channel records them. */
export interface FactCall {
  startedAt: Date;
  answeredAt: Date | null;
  transfers: ReadonlyArray<Record<string, unknown>>;
}

/** Everything the pre-checks read of one conversation; lines in transcript order, handoffs oldest first. */
export interface ConversationFacts {
  conversationId: string;
  channel: string;
  lines: readonly FactLine[];
  attentions: readonly FactAttention[];
  handoffs: readonly FactHandoff[];
  call: FactCall | null;
}

/** A pre-check's result and what it saw. */
export interface PrecheckResult {
  result: Verdict;
  evidence: string;
}

export type Prechecks = Record<PrecheckedKey, PrecheckResult>;

/** Thresholds of the protocol. */
export interface PrecheckSettings {
  /** Longest first answer to a written message (bot or agent), seconds. */
  firstResponseSeconds: number;
  /** Most rings before a call is answered, and how long a ring cycle lasts (Mexico: about 6 s). */
  maxRings: number;
  ringSeconds: number;
  /** Hold contact every `holdMinSeconds`–`holdMaxSeconds`. */
  holdMinSeconds: number;
  holdMaxSeconds: number;
  /** How often the phone queue says the hold phrase (VOICE_HOLD_SECONDS). */
  voiceHoldSeconds: number;
}

export const DEFAULT_PRECHECK_SETTINGS: PrecheckSettings = {
  firstResponseSeconds: 30,
  maxRings: 4,
  ringSeconds: 6,
  holdMinSeconds: 20,
  holdMaxSeconds: 30,
  voiceHoldSeconds: 25,
};

/** Channels whose hold reminders go every few minutes by design (each one reaches the person's phone or inbox). */
const MESSAGING = new Set(['sms', 'whatsapp', 'facebook', 'x', 'email']);
/** Outcomes of a request that the script registers (identification first). */
const REGISTERED = new Set(['ticket', 'informative', 'first_level']);

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** Joins the parts: fail if any failed, pass if any passed, else not applicable. */
function combine(parts: PrecheckResult[], none: string): PrecheckResult {
  if (parts.length === 0) return { result: 'na', evidence: none };
  const result: Verdict = parts.some((p) => p.result === 'fail') ? 'fail' : parts.some((p) => p.result === 'pass') ? 'pass' : 'na';
  return { result, evidence: parts.map((p) => p.evidence).join('; ') };
}

/** Inmediatez: rings before the call was answered, or the first answer to the person's first message; the agent's too. */
export function immediacy(f: ConversationFacts, s: PrecheckSettings = DEFAULT_PRECHECK_SETTINGS): PrecheckResult {
  const parts: PrecheckResult[] = [];
  if (f.channel === VOICE && f.call) {
    if (!f.call.answeredAt) parts.push({ result: 'fail', evidence: 'La llamada no fue contestada' });
    else {
      const after = seconds(f.call.startedAt, f.call.answeredAt);
      const rings = Math.max(1, Math.ceil(after / s.ringSeconds));
      parts.push({ result: rings <= s.maxRings ? 'pass' : 'fail', evidence: `Contestada a los ${after} s (${plural(rings, 'timbre', 'timbres')})` });
    }
  } else {
    const first = f.lines.find((l) => l.from === 'person');
    if (first) {
      const reply = f.lines.find((l) => l.direction === 'out' && l.seq > first.seq);
      if (!reply) parts.push({ result: 'fail', evidence: 'Nadie respondió al primer mensaje de la persona' });
      else {
        const after = seconds(first.at, reply.at);
        parts.push({ result: after <= s.firstResponseSeconds ? 'pass' : 'fail', evidence: `Primera respuesta a los ${after} s` });
      }
    }
  }
  // Each agent's part (agent-prechecks.ts); on the phone theirs is heard in the recording.
  if (f.channel !== VOICE) for (const h of accepted(f)) parts.push(agentImmediacy(f, h, s));
  return combine(parts, 'La persona no escribió: no hay respuesta que medir');
}

/** Saludo con nombre: the bot's first line greets and names it; each agent's first line greets and says their name. */
export function greeting(f: ConversationFacts): PrecheckResult {
  const parts: PrecheckResult[] = [];
  const bot = f.lines.find((l) => l.from === 'bot');
  if (bot) {
    const ok = GREETING.test(bot.text) && GIVES_NAME.test(bot.text);
    parts.push({ result: ok ? 'pass' : 'fail', evidence: ok ? `El bot saludó: ${quote(bot.text)}` : `El primer mensaje del bot no saluda con su nombre: ${quote(bot.text)}` });
  }
  for (const h of accepted(f)) parts.push(agentGreeting(f, h));
  return combine(parts, 'No hay mensajes del bot ni de un agente');
}

const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);

/** Guion completo: who the person is (name, unit, kind of user, a contact) and their request, when a request was registered. */
export function script(f: ConversationFacts): PrecheckResult {
  const registered = f.attentions.filter((a) => REGISTERED.has(a.outcome));
  const handed = f.handoffs.filter((h) => str(h.context.request) !== null || (typeof h.context.person === 'object' && h.context.person !== null));
  if (registered.length === 0 && handed.length === 0) return { result: 'na', evidence: 'No se registró una solicitud (consulta, canalización o conversación sin solicitud)' };
  const people: FactPerson[] = [
    ...registered.flatMap((a) => (a.person ? [a.person] : [])),
    ...handed.flatMap((h) => (typeof h.context.person === 'object' && h.context.person !== null ? [h.context.person as FactPerson] : [])),
  ];
  const any = (pick: (p: FactPerson) => unknown) => people.some((p) => str(pick(p)) !== null);
  const have = {
    nombre: any((p) => p.name),
    'unidad o escuela': any((p) => p.unitName) || any((p) => p.unitCode),
    'tipo de usuario': any((p) => p.role),
    'contacto (correo o teléfono)': any((p) => p.email) || any((p) => p.phone),
    solicitud: registered.some((a) => str(a.description) !== null) || handed.some((h) => str(h.context.request) !== null),
  };
  const missing = Object.entries(have).filter(([, ok]) => !ok).map(([label]) => label);
  const extension = any((p) => p.extension) || people.some((p) => p.noExtension === true) ? '' : ' (sin extensión)';
  if (missing.length > 0) return { result: 'fail', evidence: `Faltó: ${missing.join(', ')}${extension}` };
  return { result: 'pass', evidence: `Se registraron nombre, unidad, tipo de usuario, contacto y solicitud${extension}` };
}

/** Contacto en espera: while the person waited (in the queue, or for the agent's answer) nobody left them more than 30 s. */
export function hold(f: ConversationFacts, s: PrecheckSettings = DEFAULT_PRECHECK_SETTINGS): PrecheckResult {
  if (f.handoffs.length === 0) return { result: 'na', evidence: 'No hubo espera por un agente' };
  const gaps: number[] = [];
  const notes: string[] = [];
  const outAt = f.lines.filter((l) => l.direction === 'out').map((l) => l.at.getTime());
  const lastAt = f.lines.length > 0 ? (f.lines[f.lines.length - 1] as FactLine).at.getTime() : 0;
  for (const h of f.handoffs) {
    const start = h.queuedAt.getTime();
    const end = (h.acceptedAt ?? h.closedAt)?.getTime() ?? Math.max(lastAt, start);
    if (f.channel === VOICE) {
      const ok = s.voiceHoldSeconds >= s.holdMinSeconds && s.voiceHoldSeconds <= s.holdMaxSeconds;
      if (!ok) gaps.push(s.voiceHoldSeconds);
      notes.push(`en la fila telefónica la frase de espera se dice cada ${s.voiceHoldSeconds} s`);
    } else if (!MESSAGING.has(f.channel)) {
      let previous = start;
      for (const at of [...outAt.filter((t) => t > start && t <= end), end]) {
        if (at - previous > s.holdMaxSeconds * 1000) gaps.push(Math.round((at - previous) / 1000));
        previous = at;
      }
    }
    // After the agent took it: each time the person wrote, the next contact came within the limit.
    gaps.push(...agentHoldGaps(f, h, s));
  }
  const note = notes.length > 0 ? ` (${notes[0]})` : '';
  if (gaps.length > 0) {
    const what = f.channel === VOICE ? `La frase de espera se dice cada ${s.voiceHoldSeconds} s; debe ser cada ${s.holdMinSeconds}–${s.holdMaxSeconds} s` : `${plural(gaps.length, 'espera', 'esperas')} sin mensaje de más de ${s.holdMaxSeconds} s (la mayor, ${Math.max(...gaps)} s)`;
    return { result: 'fail', evidence: what };
  }
  return { result: 'pass', evidence: `Ninguna espera pasó de ${s.holdMaxSeconds} s sin mensaje${note}` };
}

/** Transferencia: the extension or agent asked for was reached, or the person was offered to wait or be called back. */
export function transfer(f: ConversationFacts): PrecheckResult {
  const parts: PrecheckResult[] = [];
  const outcomes = new Set(f.attentions.map((a) => a.outcome));
  const transfers = f.call?.transfers ?? [];
  if (transfers.length > 0) {
    const target = (t: Record<string, unknown>) => `${str(t.name) ?? 'la extensión'}${str(t.extension) ? ` (ext. ${String(t.extension)})` : ''}`;
    const done = transfers.find((t) => t.status === 'completed' || t.status === 'answered');
    const last = transfers[transfers.length - 1] as Record<string, unknown>;
    if (done) parts.push({ result: 'pass', evidence: `Transferida a ${target(done)}: contestó` });
    else if (outcomes.has('callback') || f.handoffs.length > 0) {
      parts.push({ result: 'pass', evidence: `${target(last)} no contestó (${String(last.status ?? 'sin respuesta')}); se ofreció otra vía (devolución de llamada o agente)` });
    } else {
      parts.push({ result: 'fail', evidence: `La transferencia a ${target(last)} no se completó (${String(last.status ?? 'sin respuesta')}) y no se ofreció esperar ni devolver la llamada` });
    }
  } else if (outcomes.has('transferred')) {
    parts.push({ result: 'pass', evidence: 'Se transfirió a la extensión solicitada' });
  }
  for (const h of f.handoffs) {
    if (h.transferNote) parts.push(transferOutcome(h));
    else {
      parts.push({ result: 'pass', evidence: `Pasada a la fila «${h.resolverGroup}»${h.acceptedAt ? `; la tomó ${h.agentName ?? 'un agente'}` : ''}` });
    }
  }
  return combine(parts, 'No se pidió ni se hizo una transferencia');
}

/** Cortesía y despedida: whoever closed the attention (the agent, or the bot) said goodbye kindly. */
export function farewell(f: ConversationFacts): PrecheckResult {
  if (!f.lines.some((l) => l.from === 'person')) return { result: 'na', evidence: 'La persona no escribió' };
  const latest = f.handoffs[f.handoffs.length - 1];
  if (latest && !latest.acceptedAt && LEFT.has(latest.closeReason ?? '')) return { result: 'na', evidence: 'La persona dejó la fila antes de la despedida' };
  const byAgent = latest?.acceptedAt && latest.closeReason !== 'returned_to_bot';
  if (byAgent && f.channel === VOICE) return { result: 'na', evidence: `${latest.agentName ?? 'El agente'} atendió por teléfono: la despedida se revisa en la grabación` };
  const speaker: FactLine['from'] = byAgent ? 'agent' : 'bot';
  const of = byAgent ? (latest.agentName ? `de ${latest.agentName}` : 'del agente') : 'del bot';
  const last = f.lines.filter((l) => l.from === speaker).slice(-3);
  if (last.length === 0) return { result: 'na', evidence: `No hay mensajes ${of}` };
  const bye = last.find((l) => FAREWELL.test(l.text));
  if (bye) return { result: 'pass', evidence: `Despedida ${of}: ${quote(bye.text)}` };
  return { result: 'fail', evidence: `Los últimos mensajes ${of} no se despiden: ${quote((last[last.length - 1] as FactLine).text)}` };
}

/** Every pre-check of one conversation. */
export function runPrechecks(f: ConversationFacts, s: PrecheckSettings = DEFAULT_PRECHECK_SETTINGS): Prechecks {
  return { immediacy: immediacy(f, s), greeting: greeting(f), script: script(f), hold: hold(f, s), transfer: transfer(f), farewell: farewell(f) };
}
