/**
 * Corrective actions of the quality review (seed 001 stage 2, steps 05–06): the coordination assigns an action to an
 * agent for one kind of non-compliance with a due date; the agent (or a reviewer) marks it done; the next month's
 * review records whether it was effective. Every change is audited.
 */
import type { AuditRepository } from '../../models';
import type { ActionRow, QualityRepository, QualityReviewRow } from '../../models/repositories/quality.repository';
import { CHECKLIST_LABELS, isChecklistKey } from './checklist';
import { QualityError, type CorrectiveActionView } from './quality-types';

/** Who acts: the console session's user. */
export interface QualityActor {
  id: string;
  email: string;
  role: string;
}

/** Roles that review and manage the quality review. */
export const QUALITY_REVIEWERS: readonly string[] = ['coordinator', 'admin'];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const MAX_TEXT = 2000;
const STATUSES = new Set(['open', 'done', 'effective', 'not_effective']);

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** The month after `YYYY-MM`. */
export function nextMonth(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
}

/** An action as the API gives it; `today` is the desk's date (YYYY-MM-DD). */
export function toActionView(a: ActionRow, today: string): CorrectiveActionView {
  return {
    id: a.id,
    reviewMonth: a.reviewMonth,
    agent: a.agentUserId ? { id: a.agentUserId, name: a.agentName ?? a.agentUserId } : null,
    item: a.item,
    itemLabel: isChecklistKey(a.item) ? CHECKLIST_LABELS[a.item] : a.item,
    description: a.description,
    dueDate: a.dueDate,
    status: a.status,
    createdBy: a.createdBy,
    createdAt: a.createdAt.toISOString(),
    doneAt: iso(a.doneAt),
    doneNote: a.doneNote,
    followUpMonth: a.followUpMonth,
    followUpNote: a.followUpNote,
    followUpBy: a.followUpBy,
    followUpAt: iso(a.followUpAt),
    overdue: a.status === 'open' && a.dueDate < today,
  };
}

function text(value: unknown, label: string, required: boolean): string | null {
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) {
    if (required) throw new QualityError('quality/invalid_input', `Falta ${label}.`);
    return null;
  }
  if (typeof value !== 'string' || value.length > MAX_TEXT) throw new QualityError('quality/invalid_input', `${label[0]?.toUpperCase()}${label.slice(1)} debe ser texto de hasta ${MAX_TEXT} caracteres.`);
  return value.trim();
}

/** Corrective actions and their follow-up. */
export class QualityActions {
  constructor(private readonly deps: { repo: QualityRepository; audit: Pick<AuditRepository, 'append'>; clock: { now(): Date }; timeZone: string }) {
    for (const k of ['repo', 'audit', 'clock', 'timeZone'] as const) if (!deps?.[k]) throw new Error(`QualityActions: ${k} is required`);
  }

  /** Today on the desk's calendar, `YYYY-MM-DD`. */
  today(): string {
    return new Intl.DateTimeFormat('en-CA', { timeZone: this.deps.timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(this.deps.clock.now());
  }

  /** Assigns an action of `review` (submitted or approved) to an active agent: `{ agentId, item, description, dueDate }`. */
  async create(actor: QualityActor, review: QualityReviewRow, body: Record<string, unknown>): Promise<CorrectiveActionView> {
    if (review.status !== 'submitted' && review.status !== 'approved') {
      throw new QualityError('quality/wrong_status', 'Las acciones correctivas se asignan cuando la revisión ya se envió a la coordinación.');
    }
    if (typeof body.agentId !== 'string' || !UUID.test(body.agentId)) throw new QualityError('quality/invalid_input', 'Indique el agente (agentId).');
    if (!isChecklistKey(body.item)) throw new QualityError('quality/invalid_input', 'Indique el punto del protocolo que corrige (item).');
    const description = text(body.description, 'la descripción de la acción', true) as string;
    const due = typeof body.dueDate === 'string' ? DAY.exec(body.dueDate) : null;
    const check = due ? new Date(Date.UTC(Number(due[1]), Number(due[2]) - 1, Number(due[3]))) : null;
    if (!due || !check || check.getUTCDate() !== Number(due[3]) || check.getUTCMonth() !== Number(due[2]) - 1) {
      throw new QualityError('quality/invalid_input', 'La fecha compromiso debe ser una fecha AAAA-MM-DD válida.');
    }
    if ((body.dueDate as string) < this.today()) throw new QualityError('quality/invalid_input', 'La fecha compromiso ya pasó.');
    const agent = await this.deps.repo.user(body.agentId);
    if (!agent || agent.role !== 'agent' || !agent.active) throw new QualityError('quality/invalid_input', 'Las acciones se asignan a un agente activo.');
    const row = await this.deps.repo.addAction({
      reviewId: review.id,
      agentUserId: agent.id,
      item: body.item,
      description,
      dueDate: body.dueDate as string,
      createdBy: actor.email,
      createdAt: this.deps.clock.now(),
    });
    await this.deps.audit.append({ actor: actor.email, action: 'quality.action.created', target: row.id, details: { month: review.month, agent: agent.id, item: row.item, dueDate: row.dueDate } });
    return this.view(row.id);
  }

  /** Actions, newest first; `status` and `agentId` filter. */
  async list(q: { status?: unknown; agentId?: unknown } = {}): Promise<CorrectiveActionView[]> {
    if (q.status !== undefined && (typeof q.status !== 'string' || !STATUSES.has(q.status))) {
      throw new QualityError('quality/invalid_input', 'Estado inválido: use open, done, effective o not_effective.');
    }
    if (q.agentId !== undefined && (typeof q.agentId !== 'string' || !UUID.test(q.agentId))) throw new QualityError('quality/invalid_input', 'Agente inválido (agentId).');
    const today = this.today();
    const rows = await this.deps.repo.actions({ ...(q.status ? { status: q.status as string } : {}), ...(q.agentId ? { agentUserId: q.agentId as string } : {}) });
    return rows.map((a) => toActionView(a, today));
  }

  /** The agent marks their action done (a reviewer may too); only from open. */
  async done(actor: QualityActor, id: unknown, note: unknown): Promise<CorrectiveActionView> {
    const action = await this.find(id);
    if (action.agentUserId !== actor.id && !QUALITY_REVIEWERS.includes(actor.role)) throw new QualityError('quality/forbidden', 'Esa acción correctiva no es suya.');
    const doneNote = text(note, 'la nota', false);
    const now = this.deps.clock.now();
    const row = await this.deps.repo.updateAction(action.id, ['open'], { status: 'done', doneAt: now, doneNote });
    if (!row) throw new QualityError('quality/wrong_status', 'Esa acción ya se marcó como realizada.');
    await this.deps.audit.append({ actor: actor.email, action: 'quality.action.done', target: action.id, details: { note: doneNote } });
    return this.view(action.id);
  }

  /** The next month's follow-up: effective or not, with a note; from open or done. */
  async followUp(actor: QualityActor, id: unknown, body: Record<string, unknown>): Promise<CorrectiveActionView> {
    const action = await this.find(id);
    if (typeof body.effective !== 'boolean') throw new QualityError('quality/invalid_input', 'Indique si la acción fue efectiva (effective: true o false).');
    const note = text(body.note, 'la nota del seguimiento', true) as string;
    const now = this.deps.clock.now();
    const row = await this.deps.repo.updateAction(action.id, ['open', 'done'], {
      status: body.effective ? 'effective' : 'not_effective',
      followUpMonth: nextMonth(action.reviewMonth),
      followUpNote: note,
      followUpBy: actor.email,
      followUpAt: now,
    });
    if (!row) throw new QualityError('quality/wrong_status', 'Esa acción ya tiene su seguimiento.');
    await this.deps.audit.append({ actor: actor.email, action: 'quality.action.followed_up', target: action.id, details: { effective: body.effective, month: row.followUpMonth } });
    return this.view(action.id);
  }

  private async find(id: unknown): Promise<ActionRow> {
    const row = typeof id === 'string' && UUID.test(id) ? (await this.deps.repo.actions({ id }))[0] : undefined;
    if (!row) throw new QualityError('quality/not_found', 'Esa acción correctiva no existe.');
    return row;
  }

  private async view(id: string): Promise<CorrectiveActionView> {
    return toActionView(await this.find(id), this.today());
  }
}
