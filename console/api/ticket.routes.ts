import type { Request, Response, Server } from 'restify';
import { z } from 'zod';
import type { Session, SessionService, UserRole } from '../../services/auth/session.service';
import type { CatalogFile } from '../../services/catalog/catalog-format';
import { ApiError } from '../../services/http/api-error';
import type { RequesterRole } from '../../services/script/identification';
import { IMPACT_LEVELS, URGENCY_LEVELS } from '../../services/tickets/priority';
import {
  MAX_NOTE_LENGTH,
  MAX_PAGE_SIZE,
  STATUS_LABELS,
  TICKET_KINDS,
  TICKET_PERMISSIONS,
  TICKET_STATUSES,
  TicketError,
  type TicketEventRow,
  type TicketRow,
  type TicketService,
  type TicketViewer,
} from '../../services/tickets/ticket.service';
import { MAX_RESOLVER_GROUP_LENGTH } from '../../services/users/user.service';
import { authorize, jsonBody, route, type ConsoleRoutes } from './console-http';

/** zod's Spanish messages, for the issues a schema below does not word itself. */
const ES = z.locales.es();

/** A comma-separated list (`status=registered,assigned`), or the parameter repeated. */
const csv = <T extends z.ZodType>(item: T) =>
  z.preprocess(
    (v) => (typeof v === 'string' || Array.isArray(v) ? [v].flat().flatMap((x) => String(x).split(',')).map((x) => x.trim()).filter(Boolean) : v),
    z.array(item).max(20, { error: 'Como máximo 20 valores.' }),
  );

const dateBound = z.union([z.iso.date(), z.iso.datetime({ offset: true })], { error: 'Debe ser una fecha AAAA-MM-DD o una fecha y hora ISO 8601 con zona.' });

const listQuery = z.object({
  status: csv(z.enum(TICKET_STATUSES, { error: `Estado desconocido (use ${TICKET_STATUSES.join(', ')}).` })).optional(),
  kind: csv(z.enum(TICKET_KINDS, { error: `Tipo desconocido (use ${TICKET_KINDS.join(', ')}).` })).optional(),
  priority: csv(z.string().max(10)).optional(),
  channel: csv(z.string().max(40)).optional(),
  group: z.string().trim().min(1).max(MAX_RESOLVER_GROUP_LENGTH).optional(),
  q: z.string().max(200, { error: 'La búsqueda admite hasta 200 caracteres.' }).optional(),
  from: dateBound.optional(),
  to: dateBound.optional(),
  assignee: z.string().trim().min(1).max(200).optional(),
  limit: z.coerce.number({ error: 'Debe ser un número.' }).int().min(1).max(MAX_PAGE_SIZE, { error: `Como máximo ${MAX_PAGE_SIZE}.` }).optional(),
  cursor: z.string().max(300).optional(),
});

const note = z.string().trim().min(1, { error: 'La nota no puede estar vacía.' }).max(MAX_NOTE_LENGTH, { error: `La nota admite hasta ${MAX_NOTE_LENGTH} caracteres.` });

const statusBody = z.strictObject({
  status: z.enum(TICKET_STATUSES, { error: `Indique el estado nuevo: ${TICKET_STATUSES.join(', ')}.` }),
  note: note.nullish(),
});

const noteBody = z.strictObject({ note });

const assignBody = z.strictObject({
  resolverGroup: z.string().trim().min(1, { error: 'El grupo resolutor no puede estar vacío.' }).max(MAX_RESOLVER_GROUP_LENGTH).optional(),
  assignee: z.email({ error: 'El responsable debe ser el correo de un resolutor.' }).max(200).nullable().optional(),
  note: note.nullish(),
});

/** Channels of requests that did not arrive through the bot: a letter (oficio) or in person at the desk. */
export const WALK_IN_CHANNELS = ['oficio', 'presencial'] as const;
/** Who registers requests that came by letter or in person: the first level and coordination. */
const REGISTER_ROLES: readonly UserRole[] = ['agent', 'coordinator', 'admin'];
const MAX_DESCRIPTION_LENGTH = 4000;
const REQUESTER_ROLES = ['docente', 'administrativo', 'estudiante', 'otro'] as const satisfies readonly RequesterRole[];

const optionalText = (max: number, label: string) =>
  z
    .string()
    .trim()
    .max(max, { error: `${label} admite hasta ${max} caracteres.` })
    .optional()
    .transform((v) => (v === '' ? undefined : v));

const registerBody = z.strictObject({
  channel: z.enum(WALK_IN_CHANNELS, { error: 'Indique cómo llegó la solicitud: oficio o presencial.' }),
  kind: z.enum(['incident', 'request'], { error: 'Indique si es una falla (incident) o una petición de servicio (request).' }),
  description: z
    .string({ error: 'Describa el problema o la petición.' })
    .trim()
    .min(1, { error: 'La descripción no puede estar vacía.' })
    .max(MAX_DESCRIPTION_LENGTH, { error: `La descripción admite hasta ${MAX_DESCRIPTION_LENGTH} caracteres.` }),
  urgency: z.enum(URGENCY_LEVELS, { error: 'Urgencia desconocida (use critical, high, medium o low).' }),
  impact: z.enum(IMPACT_LEVELS, { error: 'Impacto desconocido (use extensive, significant, moderate o minor).' }),
  serviceCode: z
    .string()
    .trim()
    .max(60, { error: 'El código de servicio admite hasta 60 caracteres.' })
    .regex(/^[A-Z0-9]+(?:-[A-Z0-9]+)*$/, { error: 'El código de servicio va en MAYÚSCULAS, dígitos y guiones (p. ej. CORREO-CONTRASENA).' })
    .nullish(),
  resolverGroup: z
    .string()
    .trim()
    .min(1, { error: 'El grupo resolutor no puede estar vacío.' })
    .max(MAX_RESOLVER_GROUP_LENGTH, { error: `El grupo resolutor admite hasta ${MAX_RESOLVER_GROUP_LENGTH} caracteres.` })
    .nullish(),
  requester: z.strictObject(
    {
      name: z
        .string({ error: 'Escriba el nombre de quien solicita.' })
        .trim()
        .min(1, { error: 'Escriba el nombre de quien solicita.' })
        .max(200, { error: 'El nombre admite hasta 200 caracteres.' }),
      unitName: optionalText(200, 'La unidad'),
      role: z.enum(REQUESTER_ROLES, { error: `Tipo de usuario desconocido (use ${REQUESTER_ROLES.join(', ')}).` }).optional(),
      extension: z
        .string()
        .trim()
        .regex(/^\d{0,10}$/, { error: 'La extensión lleva solo dígitos (hasta 10).' })
        .optional()
        .transform((v) => (v === '' ? undefined : v)),
      email: z
        .union([z.literal(''), z.email({ error: 'El correo no es válido.' }).max(200, { error: 'El correo admite hasta 200 caracteres.' })])
        .optional()
        .transform((v) => (v === '' ? undefined : v?.toLowerCase())),
      phone: z
        .string()
        .trim()
        .regex(/^[\d +()-]{0,25}$/, { error: 'El teléfono lleva dígitos, espacios, «+», «-» o paréntesis (hasta 25).' })
        .optional()
        .transform((v) => (v === '' ? undefined : v)),
    },
    { error: 'Indique los datos de quien solicita (al menos su nombre).' },
  ),
  reference: optionalText(100, 'El número de oficio'),
  /** A random id per form submission: the same one twice registers one ticket (double click, retry). */
  clientId: z
    .string()
    .regex(/^[\w.:-]{8,100}$/, { error: 'El identificador de la solicitud debe tener de 8 a 100 letras, dígitos, «.», «:», «_» o «-».' })
    .optional(),
});

/** A read-only view of the published catalog, to name the service and default its resolver group. */
export interface PublishedCatalog {
  readonly catalog: CatalogFile | null;
}

type Notifications = Parameters<TicketService['register']>[2];

/** Parses with zod; a problem becomes a 400 naming each field in Spanish. */
function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value, { error: ES.localeError });
  if (result.success) return result.data;
  const details = result.error.issues.map((i) => ({ path: i.path.map(String).join('.') || '(raíz)', message: i.message }));
  const summary = details.map((d) => `${d.path}: ${d.message}`).join('; ');
  throw new ApiError(400, 'BadArgument', `${what}: ${summary}`, {}, details);
}

const TICKET_ERRORS: Record<TicketError['code'], [number, string]> = {
  'ticket/not_found': [404, 'TicketNotFound'],
  'ticket/invalid_transition': [409, 'InvalidTransition'],
  'ticket/invalid_input': [400, 'BadArgument'],
  'ticket/forbidden': [403, 'Forbidden'],
};

function numberParam(req: Request): string {
  const number = req.params?.number;
  // Anything that cannot be a ticket number is simply not found.
  if (typeof number !== 'string' || number === '' || number.length > 40) throw new ApiError(404, 'TicketNotFound', 'No existe ese ticket.');
  return number;
}

/** What the console shows of a ticket (the idempotency key stays inside). */
function ticketJson(t: TicketRow) {
  return {
    number: t.number,
    kind: t.kind,
    status: t.status,
    statusLabel: STATUS_LABELS[t.status],
    serviceCode: t.serviceCode,
    serviceName: t.serviceName,
    resolverGroup: t.resolverGroup,
    assignee: t.assignee,
    requester: t.requester,
    channel: t.channel,
    description: t.description,
    urgency: t.urgency,
    impact: t.impact,
    priority: t.priority,
    createdAt: t.createdAt,
    updatedAt: t.updatedAt,
  };
}

function ticketDetailJson(t: TicketRow) {
  return { ...ticketJson(t), diagnostics: t.diagnostics, conversationId: t.conversationId, catalogVersion: t.catalogVersion, announcedAt: t.announcedAt };
}

function eventJson(e: TicketEventRow) {
  return {
    id: e.id,
    at: e.at,
    actor: e.actor,
    fromStatus: e.fromStatus,
    toStatus: e.toStatus,
    toStatusLabel: e.toStatus ? (STATUS_LABELS as Record<string, string>)[e.toStatus] ?? e.toStatus : null,
    note: e.note,
  };
}

/**
 * The ticket API of the console. Who may do what (TICKET_PERMISSIONS, checked again by the service):
 * - agents (first level) register and follow up: read every ticket, add notes, dispatch (assign) tickets,
 *   and change status only to cancel (the requester withdrew, a duplicate);
 * - resolvers (second level) read, annotate and move through the lifecycle only their group's tickets; another
 *   group's ticket answers 404, as if it did not exist; they do not reassign (they ask the desk to);
 * - coordinators and admins do everything.
 * Every change is recorded in the ticket's history with the console user's e-mail.
 */
export class TicketRoutes implements ConsoleRoutes {
  constructor(
    private readonly deps: {
      sessions: SessionService;
      tickets: TicketService;
      /** The serving catalog (the CatalogRouter): names the service of a request registered here. */
      catalog?: PublishedCatalog;
      /** Messages to queue when a request is registered here (as the bot's tickets: requester and group e-mails). */
      notifications?: Notifications;
      /** Called after a registration (wakes the outbox). */
      onRegistered?: () => void;
    },
  ) {
    if (!deps.sessions) throw new Error('TicketRoutes: sessions are required');
    if (!deps.tickets) throw new Error('TicketRoutes: ticket service is required');
  }

  register(server: Server): void {
    const p = '/api/tickets';
    const { view, changeStatus, note: annotate, assign } = TICKET_PERMISSIONS;
    server.get(p, this.as(view, async (req, res, viewer) => {
      const q = parse(listQuery, req.query ?? {}, 'Consulta inválida');
      const page = await this.deps.tickets.list(
        {
          ...(q.status ? { statuses: q.status } : {}),
          ...(q.kind ? { kinds: q.kind } : {}),
          ...(q.priority ? { priorities: q.priority } : {}),
          ...(q.channel ? { channels: q.channel } : {}),
          ...(q.group ? { group: q.group } : {}),
          ...(q.q ? { q: q.q } : {}),
          ...(q.from ? { from: q.from } : {}),
          ...(q.to ? { to: q.to } : {}),
          ...(q.assignee ? { assignee: q.assignee } : {}),
          ...(q.limit ? { limit: q.limit } : {}),
          ...(q.cursor ? { cursor: q.cursor } : {}),
        },
        viewer,
      );
      res.setHeader('Cache-Control', 'no-store');
      res.send(200, { tickets: page.tickets.map(ticketJson), nextCursor: page.nextCursor });
    }));
    server.post(p, this.as(REGISTER_ROLES, async (req, res, viewer) => {
      const body = parse(registerBody, jsonBody(req), 'Solicitud inválida');
      const result = await this.registerWalkIn(body, viewer);
      res.send(result.created ? 201 : 200, { ticket: ticketJson(result.ticket), created: result.created });
    }));
    server.get(`${p}/:number`, this.as(view, async (req, res, viewer) => {
      const { ticket, history } = await this.deps.tickets.view(numberParam(req), viewer);
      res.setHeader('Cache-Control', 'no-store');
      res.send(200, { ticket: ticketDetailJson(ticket), history: history.map(eventJson) });
    }));
    server.post(`${p}/:number/status`, this.as(changeStatus, async (req, res, viewer) => {
      const number = numberParam(req);
      const body = parse(statusBody, jsonBody(req), 'Cambio de estado inválido');
      const ticket = await this.deps.tickets.changeStatusBy(number, body.status, viewer, body.note ?? null);
      res.send(200, { ticket: ticketJson(ticket) });
    }));
    server.post(`${p}/:number/notes`, this.as(annotate, async (req, res, viewer) => {
      const number = numberParam(req);
      const body = parse(noteBody, jsonBody(req), 'Nota inválida');
      const event = await this.deps.tickets.addNote(number, body.note, viewer);
      res.send(201, { event: eventJson(event) });
    }));
    server.post(`${p}/:number/assign`, this.as(assign, async (req, res, viewer) => {
      const number = numberParam(req);
      const body = parse(assignBody, jsonBody(req), 'Reasignación inválida');
      const result = await this.deps.tickets.assign(number, body, viewer);
      res.send(200, { ticket: ticketJson(result.ticket), changed: result.changed });
    }));
  }

  /**
   * A request that came by letter or in person, registered by the desk into the same tickets: the channel is
   * recorded, the letter's number heads the description (so the list's search finds it), and a known service
   * code names the service and, unless given, its resolver group.
   */
  private async registerWalkIn(body: z.infer<typeof registerBody>, viewer: TicketViewer): Promise<{ ticket: TicketRow; created: boolean }> {
    let serviceName: string | null = null;
    let resolverGroup = body.resolverGroup ?? null;
    const code = body.serviceCode ?? null;
    if (code !== null && this.deps.catalog) {
      const service = this.deps.catalog.catalog?.services.find((s) => s.code === code);
      if (!service) {
        throw new ApiError(400, 'BadArgument', `Solicitud inválida: serviceCode: el servicio ${code} no está en el catálogo publicado.`, {}, [
          { path: 'serviceCode', message: `El servicio ${code} no está en el catálogo publicado.` },
        ]);
      }
      serviceName = service.name;
      resolverGroup ??= service.resolverGroup;
    }
    const r = body.requester;
    const reference = body.reference ? `${body.channel === 'oficio' ? 'Oficio núm.' : 'Referencia'} ${body.reference}` : null;
    const result = await this.deps.tickets.register(
      {
        kind: body.kind,
        serviceCode: code,
        serviceName,
        resolverGroup,
        requester: {
          name: r.name,
          ...(r.unitName ? { unit: r.unitName } : {}),
          ...(r.role ? { role: r.role } : {}),
          ...(r.extension ? { extension: r.extension } : {}),
          ...(r.email ? { email: r.email } : {}),
          ...(r.phone ? { phone: r.phone } : {}),
        },
        channel: body.channel,
        conversationId: null,
        description: reference ? `${reference}. ${body.description}` : body.description,
        urgency: body.urgency,
        impact: body.impact,
        idempotencyKey: body.clientId ? `console:${viewer.id}:${body.clientId}` : null,
      },
      viewer.email,
      this.deps.notifications,
    );
    if (result.created) this.deps.onRegistered?.();
    return result;
  }

  /** A route for `roles` (401/403/CSRF by authorize()); ticket errors leave as Spanish JSON 4xx. */
  private as(roles: readonly UserRole[], fn: (req: Request, res: Response, viewer: TicketViewer) => Promise<void>) {
    return route(async (req, res) => {
      const session: Session = await authorize(this.deps.sessions, req, roles);
      try {
        await fn(req, res, { id: session.user.id, email: session.user.email, role: session.user.role });
      } catch (err) {
        if (err instanceof TicketError) {
          const [status, code] = TICKET_ERRORS[err.code];
          throw new ApiError(status, code, err.message);
        }
        throw err;
      }
    });
  }
}
