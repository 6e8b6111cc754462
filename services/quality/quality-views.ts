/**
 * Pure helpers of the quality review: a month's range on the desk's calendar, the pre-checks' view of a conversation
 * from the batch-loaded rows, and an item's detail for the reviewer (transcript, call, what the script collected).
 */
import type { FactRows } from '../../models/repositories/quality.repository';
import type { ConversationFacts } from './prechecks';
import { QualityError, type QualityItemDetail, type QualityItemView } from './quality-types';

const MONTH = /^(2\d{3})-(0[1-9]|1[0-2])$/;
const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** The instant the zone's wall clock reads y-mo-1 00:00 (mo may be 13). */
function monthStart(timeZone: string, y: number, mo: number): Date {
  const wall = Date.UTC(y, mo - 1, 1);
  const offset = (at: number) => {
    const f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    const p = Object.fromEntries(f.formatToParts(new Date(at)).map((x) => [x.type, Number(x.value)]));
    return Date.UTC(p.year ?? 0, (p.month ?? 1) - 1, p.day ?? 1, p.hour ?? 0, p.minute ?? 0, p.second ?? 0) - at;
  };
  return new Date(wall - offset(wall - offset(wall)));
}

/** `[from, to)` of a month `YYYY-MM` on the desk's calendar; `quality/invalid_input` when malformed. */
export function monthRange(month: unknown, timeZone: string): { month: string; from: Date; to: Date } {
  const m = typeof month === 'string' ? MONTH.exec(month.trim()) : null;
  if (!m) throw new QualityError('quality/invalid_input', 'Mes inválido: indíquelo como AAAA-MM, por ejemplo 2026-11.');
  const [y, mo] = [Number(m[1]), Number(m[2])];
  return { month: `${m[1]}-${m[2]}`, from: monthStart(timeZone, y, mo), to: monthStart(timeZone, y, mo + 1) };
}

/** Builds the pre-checks' view of one conversation from the batch-loaded rows. */
export function factsOf(rows: FactRows, conversationId: string, channel: string): ConversationFacts {
  const call = rows.calls.get(conversationId);
  return {
    conversationId,
    channel,
    lines: rows.lines.get(conversationId) ?? [],
    attentions: rows.attentions.get(conversationId) ?? [],
    handoffs: rows.handoffs.get(conversationId) ?? [],
    call: call ? { startedAt: call.startedAt, answeredAt: call.answeredAt, transfers: call.transfers } : null,
  };
}

/** An item with its transcript (system hold lines shown as the bot's, marked `automatic`), call and identification. */
export function itemDetail(view: QualityItemView, facts: FactRows, canPlay: boolean): QualityItemDetail {
  const id = view.conversationId;
  const call = facts.calls.get(id) ?? null;
  const handoffs = facts.handoffs.get(id) ?? [];
  const attentions = facts.attentions.get(id) ?? [];
  const person: Record<string, string | null> = {};
  for (const p of [...attentions.map((a) => a.person), ...handoffs.map((h) => h.context.person as Record<string, unknown> | undefined)]) {
    for (const [k, v] of Object.entries(p ?? {})) if (typeof v === 'string' && v !== '' && !person[k]) person[k] = v;
  }
  const request = attentions.find((a) => a.description)?.description ?? handoffs.map((h) => h.context.request).find((r): r is string => typeof r === 'string') ?? null;
  return {
    ...view,
    transcript: (facts.lines.get(id) ?? []).map((l) => ({
      seq: l.seq,
      at: l.at.toISOString(),
      direction: l.direction,
      from: l.from === 'system' ? 'bot' : l.from,
      ...(l.name ? { name: l.name } : {}),
      ...(l.from === 'system' ? { automatic: true } : {}),
      text: l.text,
    })),
    call: call
      ? { id: call.id, startedAt: call.startedAt.toISOString(), answeredAt: iso(call.answeredAt), durationSeconds: call.durationSeconds, transfers: call.transfers, hasRecording: canPlay && Boolean(call.recordingUrl || call.recordingSid) }
      : null,
    attention: {
      outcomes: attentions.map((a) => a.outcome),
      request,
      person,
      handoffs: handoffs.map((h) => ({ group: h.resolverGroup, queuedAt: h.queuedAt.toISOString(), acceptedAt: iso(h.acceptedAt), closedAt: iso(h.closedAt), closeReason: h.closeReason, agent: h.agentName, transferNote: h.transferNote })),
    },
  };
}
