import type { TicketKind, TicketRow, TicketStatus, UserRole } from '../../models';
import type { TicketChange, TicketListCursor, TicketScope } from '../../models/repositories/ticket.repository';

/**
 * The rules around tickets that are not the service itself: status labels, errors, who may do what in the console,
 * list cursors and dates, and what a reassignment changes.
 */

/** Ticket statuses as people read them. */
export const STATUS_LABELS: Record<TicketStatus, string> = {
  registered: 'Registrado',
  assigned: 'Asignado',
  in_progress: 'En proceso',
  resolved: 'Resuelto',
  closed: 'Cerrado',
  cancelled: 'Cancelado',
};

export class TicketError extends Error {
  constructor(
    readonly code: 'ticket/not_found' | 'ticket/invalid_transition' | 'ticket/invalid_input' | 'ticket/forbidden',
    message: string,
  ) {
    super(message);
  }
}

/** Who may do what with tickets in the console. Routes authorize with these lists; the service checks them again. */
export const TICKET_PERMISSIONS = {
  /** Everyone reads; a resolver only their group's tickets. */
  view: ['agent', 'resolver', 'coordinator', 'admin'],
  /** Resolvers (their group) and coordination move the lifecycle; agents may only cancel. */
  changeStatus: ['agent', 'resolver', 'coordinator', 'admin'],
  /** Everyone follows up with notes; a resolver only on their group's tickets. */
  note: ['agent', 'resolver', 'coordinator', 'admin'],
  /** Dispatch is first level's and coordination's job; resolvers ask them to reassign. */
  assign: ['agent', 'coordinator', 'admin'],
} as const satisfies Record<string, readonly UserRole[]>;

export type TicketAction = keyof typeof TICKET_PERMISSIONS;

/** The console user acting on tickets. */
export interface TicketViewer {
  id: string;
  email: string;
  role: UserRole;
}

/** The console's list query; lists are ORed within a field, fields are ANDed. */
export interface TicketQuery {
  statuses?: TicketStatus[];
  kinds?: TicketKind[];
  priorities?: string[];
  channels?: string[];
  /** Resolver group, exact name. */
  group?: string;
  /** An e-mail, `me` (the viewer) or `none` (unassigned). */
  assignee?: string;
  /** Text searched literally in number, description, requester name and e-mail. */
  q?: string;
  /** `YYYY-MM-DD` (a day of the desk's calendar) or an ISO date-time with offset. */
  from?: string;
  to?: string;
  limit?: number;
  /** The nextCursor of the previous page. */
  cursor?: string;
}

export interface AssignRequest {
  resolverGroup?: string | undefined;
  /** A resolver's e-mail; null unassigns. */
  assignee?: string | null | undefined;
  note?: string | null | undefined;
}

export const MAX_NOTE_LENGTH = 4000;
export const DEFAULT_PAGE_SIZE = 25;
export const MAX_PAGE_SIZE = 100;
export const ISO_DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$/;

export function requirePermission(viewer: TicketViewer, action: TicketAction): void {
  if (!(TICKET_PERMISSIONS[action] as readonly UserRole[]).includes(viewer.role)) {
    throw new TicketError('ticket/forbidden', 'Su cuenta no tiene permiso para esta operación.');
  }
}

export function scopeOf(viewer: TicketViewer): TicketScope {
  return viewer.role === 'resolver' ? { resolverUserId: viewer.id } : 'all';
}

export function notFound(number: string): TicketError {
  return new TicketError('ticket/not_found', `No existe el ticket ${number}.`);
}

export function badDate(which: 'from' | 'to', value: string): TicketError {
  return new TicketError('ticket/invalid_input', `El parámetro ${which} debe ser una fecha AAAA-MM-DD o una fecha y hora ISO 8601 con zona (recibido: "${value}").`);
}

/** 00:00 of that calendar day in `timeZone` (days past the month's end roll over, as Date.UTC does). */
export function startOfDay(year: number, month: number, day: number, timeZone: string): Date {
  const wall = Date.UTC(year, month - 1, day);
  const fmt = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
  const offsetAt = (t: number): number => {
    const p = Object.fromEntries(fmt.formatToParts(new Date(t)).map((x) => [x.type, Number(x.value)]));
    return Date.UTC(p.year ?? 0, (p.month ?? 1) - 1, p.day ?? 1, p.hour ?? 0, p.minute ?? 0, p.second ?? 0) - t;
  };
  // Two passes settle the offset even when the day starts right after a daylight-saving change.
  const first = wall - offsetAt(wall);
  return new Date(wall - offsetAt(first));
}

export function encodeCursor(c: TicketListCursor): string {
  return Buffer.from(JSON.stringify([c.at, c.id])).toString('base64url');
}

export function decodeCursor(cursor: string): TicketListCursor {
  const bad = new TicketError('ticket/invalid_input', 'El cursor de paginación no es válido; vuelva a pedir la primera página.');
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw bad;
  }
  if (!Array.isArray(parsed) || parsed.length !== 2) throw bad;
  const [at, id] = parsed as unknown[];
  if (typeof at !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/.test(at)) throw bad;
  if (typeof id !== 'string' || !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) throw bad;
  return { at, id };
}

/** The change an assignment makes to the locked ticket (null: nothing changes). */
export async function decideAssignment(
  current: TicketRow,
  wanted: { group: string | undefined; assignee: string | null | undefined; note: string | null },
  lookups: { activeResolver(email: string): Promise<{ email: string; resolverGroup: string | null } | null> },
): Promise<TicketChange | null> {
  if (current.status === 'closed' || current.status === 'cancelled') {
    throw new TicketError('ticket/invalid_transition', `Un ticket ${STATUS_LABELS[current.status].toLowerCase()} no se puede reasignar.`);
  }
  const group = wanted.group ?? current.resolverGroup;
  const groupChanged = group !== current.resolverGroup;
  // A resolver of the old group does not follow the ticket to another group.
  let assignee = wanted.assignee !== undefined ? wanted.assignee?.trim().toLowerCase() || null : groupChanged ? null : current.assignee;
  if (assignee !== null) {
    if (group === null) throw new TicketError('ticket/invalid_input', 'El ticket no tiene grupo resolutor: indique resolverGroup junto con el responsable.');
    const resolver = await lookups.activeResolver(assignee);
    if (!resolver || resolver.resolverGroup !== group) {
      throw new TicketError('ticket/invalid_input', `${assignee} no es un resolutor activo del grupo «${group}».`);
    }
    assignee = resolver.email.toLowerCase();
  }
  if (!groupChanged && assignee === current.assignee) return null;
  const toStatus: TicketStatus | null = assignee !== null && current.status === 'registered' ? 'assigned' : null;
  const parts: string[] = [];
  if (groupChanged) parts.push(`Grupo resolutor: ${current.resolverGroup ? `«${current.resolverGroup}»` : 'sin grupo'} → «${group}».`);
  if (assignee !== current.assignee) parts.push(`Responsable: ${current.assignee ?? 'sin asignar'} → ${assignee ?? 'sin asignar'}.`);
  if (wanted.note) parts.push(`Nota: ${wanted.note}`);
  return {
    set: { resolverGroup: group, assignee, ...(toStatus ? { status: toStatus } : {}) },
    event: { fromStatus: toStatus ? current.status : null, toStatus, note: parts.join(' ') },
  };
}
