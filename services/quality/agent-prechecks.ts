/**
 * The agents' part of the automatic pre-checks: what one accepted handoff's agent did while the conversation was
 * theirs (their first line, its greeting, the waits they left, the transfer they made, their farewell). The
 * conversation's pre-checks (prechecks.ts) add these parts to the bot's; an agent's weekly score counts only these,
 * so neither the bot nor another agent lowers or raises it.
 */
import type { PrecheckedKey } from './checklist';
import type { ConversationFacts, FactHandoff, FactLine, PrecheckResult, PrecheckSettings, Prechecks } from './prechecks';

export const VOICE = 'voice';
export const GREETING = /\bbuen[oa]s\s+(d[ií]as|tardes|noches)\b/i;
export const GIVES_NAME = /\b(le\s+atiende|mi\s+nombre\s+es|le\s+saluda|habla|soy)\s+\S/i;
export const FAREWELL = /hasta\s+luego|que\s+tenga\s+(un\s+)?buen[oa]?\s|fue\s+un\s+gusto|gracias\s+por\s+comunicarse/i;
/** The person left the queue (or hung up) before anybody took the conversation. */
export const LEFT = new Set(['person_left', 'caller_hung_up']);
/** Ends of a handoff that are not the agent's closing of the attention (no farewell is due from them). */
const NOT_CLOSED_BY_AGENT = new Set(['returned_to_bot', 'transferred', ...LEFT]);

export const seconds = (a: Date, b: Date) => Math.max(0, Math.round((b.getTime() - a.getTime()) / 1000));
export const quote = (text: string) => `«${text.length > 80 ? `${text.slice(0, 79)}…` : text}»`;
const fold = (text: string) => text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

/** The handoffs an agent accepted. */
export const accepted = (f: ConversationFacts) => f.handoffs.filter((h) => h.acceptedAt !== null);

const whoOf = (h: FactHandoff) => h.agentName ?? 'El agente';

/**
 * The agent's lines while `h` was theirs (from acceptance to close). Lines that name another speaker (an agent who
 * had it before a transfer, still typing) are not theirs.
 */
export function agentLines(f: ConversationFacts, h: FactHandoff): FactLine[] {
  const from = h.acceptedAt?.getTime() ?? Infinity;
  const to = h.closedAt?.getTime() ?? Infinity;
  return f.lines.filter((l) => l.from === 'agent' && l.at.getTime() >= from && l.at.getTime() <= to && (!l.name || !h.agentName || l.name === h.agentName));
}

/** Whether `text` carries the agent's name (any of its words of 3+ letters, without accents or case). */
function saysName(text: string, name: string | null): boolean {
  if (!name) return GIVES_NAME.test(text);
  const words = fold(name).split(/\s+/).filter((w) => w.length >= 3);
  const folded = fold(text);
  return words.some((w) => new RegExp(`\\b${w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`).test(folded));
}

/** Inmediatez, the agent's part: their first line came within the limit after accepting (text channels). */
export function agentImmediacy(f: ConversationFacts, h: FactHandoff, s: PrecheckSettings): PrecheckResult {
  if (!h.acceptedAt) return { result: 'na', evidence: 'Nadie tomó la conversación' };
  if (f.channel === VOICE) return { result: 'na', evidence: `${whoOf(h)} atendió por teléfono: su respuesta se revisa en la grabación` };
  const line = agentLines(f, h)[0];
  if (!line) return { result: 'fail', evidence: `${whoOf(h)} aceptó la conversación y no escribió` };
  const after = seconds(h.acceptedAt, line.at);
  return { result: after <= s.firstResponseSeconds ? 'pass' : 'fail', evidence: `${whoOf(h)} escribió a los ${after} s de aceptarla` };
}

/** Saludo con nombre, the agent's part: their first line greets and says their name (text channels). */
export function agentGreeting(f: ConversationFacts, h: FactHandoff): PrecheckResult {
  const who = whoOf(h);
  if (!h.acceptedAt) return { result: 'na', evidence: 'Nadie tomó la conversación' };
  if (f.channel === VOICE) return { result: 'na', evidence: `${who} atendió por teléfono: su saludo se revisa en la grabación` };
  const line = agentLines(f, h)[0];
  if (!line) return { result: 'fail', evidence: `${who} no saludó` };
  const ok = GREETING.test(line.text) && saysName(line.text, h.agentName ?? line.name);
  const of = h.agentName ? `de ${h.agentName}` : 'del agente';
  return { result: ok ? 'pass' : 'fail', evidence: ok ? `${who} saludó: ${quote(line.text)}` : `El primer mensaje ${of} no saluda con su nombre: ${quote(line.text)}` };
}

/** The waits (seconds) longer than the limit after the agent took `h`: each time the person wrote, until the next contact. */
export function agentHoldGaps(f: ConversationFacts, h: FactHandoff, s: PrecheckSettings): number[] {
  if (f.channel === VOICE || !h.acceptedAt) return [];
  const lastAt = f.lines.length > 0 ? (f.lines[f.lines.length - 1] as FactLine).at.getTime() : 0;
  const from = h.acceptedAt.getTime();
  const to = h.closedAt?.getTime() ?? lastAt;
  const gaps: number[] = [];
  let waiting: number | null = null;
  for (const l of f.lines) {
    const at = l.at.getTime();
    if (at < from || at > to) continue;
    if (l.direction === 'in') waiting ??= at;
    else if (waiting !== null) {
      if (at - waiting > s.holdMaxSeconds * 1000) gaps.push(Math.round((at - waiting) / 1000));
      waiting = null;
    }
  }
  if (waiting !== null && to - waiting > s.holdMaxSeconds * 1000) gaps.push(Math.round((to - waiting) / 1000));
  return gaps;
}

/** Contacto en espera, the agent's part: while it was theirs, nobody waited for them more than the limit. */
export function agentHold(f: ConversationFacts, h: FactHandoff, s: PrecheckSettings): PrecheckResult {
  if (!h.acceptedAt) return { result: 'na', evidence: 'Nadie tomó la conversación' };
  if (f.channel === VOICE) return { result: 'na', evidence: `${whoOf(h)} atendió por teléfono: las esperas se revisan en la grabación` };
  const gaps = agentHoldGaps(f, h, s);
  if (gaps.length > 0) {
    return { result: 'fail', evidence: `${gaps.length} ${gaps.length === 1 ? 'espera' : 'esperas'} de ${whoOf(h)} sin mensaje de más de ${s.holdMaxSeconds} s (la mayor, ${Math.max(...gaps)} s)` };
  }
  return { result: 'pass', evidence: `Mientras la atendió ${whoOf(h)}, ninguna espera pasó de ${s.holdMaxSeconds} s sin mensaje` };
}

/** How an agent-to-agent transfer (a handoff with its note) ended. */
export function transferOutcome(h: FactHandoff): PrecheckResult {
  const note = (h.transferNote ?? '').slice(0, 60);
  if (h.acceptedAt) return { result: 'pass', evidence: `Transferida entre agentes («${note}»); la tomó ${h.agentName ?? 'otro agente'}` };
  if (h.status === 'queued' || h.status === 'assigned') return { result: 'na', evidence: 'Transferida entre agentes; sigue en la fila' };
  if (LEFT.has(h.closeReason ?? '')) return { result: 'pass', evidence: 'Transferida entre agentes; la persona dejó la fila' };
  return { result: 'fail', evidence: `Transferida entre agentes y nadie la tomó (${h.closeReason ?? h.status})` };
}

/**
 * Transferencia, the agent's part: the agent-to-agent transfers they made (a handoff with a transfer note queued while
 * `h` was theirs). Not applicable when they transferred nothing.
 */
export function agentTransfer(f: ConversationFacts, h: FactHandoff): PrecheckResult {
  if (!h.acceptedAt) return { result: 'na', evidence: 'Nadie tomó la conversación' };
  const from = h.acceptedAt.getTime();
  const to = h.closedAt?.getTime() ?? Infinity;
  const made = f.handoffs.filter((t) => t !== h && t.transferNote && t.queuedAt.getTime() >= from && t.queuedAt.getTime() <= to);
  if (made.length === 0) return { result: 'na', evidence: `${whoOf(h)} no transfirió la conversación` };
  const parts = made.map(transferOutcome);
  const result = parts.some((p) => p.result === 'fail') ? 'fail' : parts.some((p) => p.result === 'pass') ? 'pass' : 'na';
  return { result, evidence: parts.map((p) => p.evidence).join('; ') };
}

/** Cortesía y despedida, the agent's part: when they closed the attention, one of their last three lines says goodbye. */
export function agentFarewell(f: ConversationFacts, h: FactHandoff): PrecheckResult {
  const who = whoOf(h);
  if (!h.acceptedAt || !h.closedAt || NOT_CLOSED_BY_AGENT.has(h.closeReason ?? '')) return { result: 'na', evidence: `${who} no cerró la atención` };
  if (f.channel === VOICE) return { result: 'na', evidence: `${who} atendió por teléfono: la despedida se revisa en la grabación` };
  const of = h.agentName ? `de ${h.agentName}` : 'del agente';
  const last = agentLines(f, h).slice(-3);
  if (last.length === 0) return { result: 'na', evidence: `No hay mensajes ${of}` };
  const bye = last.find((l) => FAREWELL.test(l.text));
  if (bye) return { result: 'pass', evidence: `Despedida ${of}: ${quote(bye.text)}` };
  return { result: 'fail', evidence: `Los últimos mensajes ${of} no se despiden: ${quote((last[last.length - 1] as FactLine).text)}` };
}

/**
 * The pre-checks of what `h`'s agent did (the agent's weekly score): immediacy, greeting, hold, transfer and farewell of
 * their part; the script is the bot's or the reviewer's to judge («no aplica» here).
 */
export function agentPrechecks(f: ConversationFacts, h: FactHandoff, s: PrecheckSettings): Prechecks {
  const parts: Record<PrecheckedKey, PrecheckResult> = {
    immediacy: agentImmediacy(f, h, s),
    greeting: agentGreeting(f, h),
    script: { result: 'na', evidence: 'El guion se revisa en la conversación completa' },
    hold: agentHold(f, h, s),
    transfer: agentTransfer(f, h),
    farewell: agentFarewell(f, h),
  };
  return parts;
}
