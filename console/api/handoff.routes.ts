import type { Request, Response, Server } from 'restify';
import { z } from 'zod';
import type { Session, SessionService, UserRole } from '../../services/auth/session.service';
import {
  HandoffError,
  type AgentActor,
  type AgentSnapshot,
  type HandoffDetail,
  type HandoffEvent,
  type HandoffView,
  type TranscriptLine,
} from '../../services/handoff/handoff-types';
import { ApiError } from '../../services/http/api-error';
import { IMPACT_LEVELS, URGENCY_LEVELS, type Impact, type Urgency } from '../../services/tickets/priority';
import { InvalidVoiceRouteError, MAX_RESOLVER_GROUP_LENGTH, UserForbiddenError, UserInputError, UserNotFoundError, type UserActor } from '../../services/users/user.service';
import { MAX_VOICE_ROUTE_LENGTH } from '../../services/users/voice-route';
import { authorize, jsonBody, route, type ConsoleRoutes } from './console-http';

/** Console roles that take part in live attention (resolvers work tickets, not conversations). */
export const HANDOFF_ROLES: readonly UserRole[] = ['agent', 'coordinator', 'admin'];

export const PRESENCE_CHOICES = ['available', 'busy', 'away'] as const;
export const PHRASE_KEYS = ['greeting', 'hold', 'farewell', 'anythingElse'] as const;
export const HANDOFF_TICKET_KINDS = ['incident', 'request'] as const;
export const MAX_REPLY_LENGTH = 4000;
export const MAX_TRANSFER_NOTE_LENGTH = 1000;
export const MAX_TICKET_DESCRIPTION_LENGTH = 4000;

export type PhraseKey = (typeof PHRASE_KEYS)[number];

export interface HandoffTicketDraft {
  kind: 'incident' | 'request';
  description: string;
  serviceCode: string | null;
  resolverGroup: string | null;
  urgency: Urgency;
  impact: Impact;
  requester: Record<string, unknown>;
}

export interface HandoffTicketInput {
  kind: 'incident' | 'request';
  description: string;
  serviceCode?: string | null;
  resolverGroup?: string | null;
  urgency: Urgency;
  impact: Impact;
}

/** What the console streams besides {@link HandoffEvent}: a transcript line was recorded (on any instance). */
export type HandoffActivity = { type: 'activity'; conversationId: string; seq: number } | { type: 'resync' };

/**
 * What the console needs of the handoff service (services/handoff/handoff.service.ts, `HandoffService`, has exactly
 * these methods; tests pass a fake). The service checks group visibility; the routes check roles and bodies.
 */
export interface AgentHandoff {
  subscribe(listener: (e: HandoffEvent | HandoffActivity) => void): () => void;
  snapshot(actor: AgentActor): Promise<AgentSnapshot>;
  setPresence(actor: AgentActor, status: (typeof PRESENCE_CHOICES)[number]): Promise<void>;
  heartbeat(actor: AgentActor): Promise<void>;
  accept(actor: AgentActor, handoffId: string): Promise<HandoffView>;
  detail(actor: AgentActor, handoffId: string): Promise<HandoffDetail>;
  transcriptSince(actor: AgentActor, conversationId: string, afterSeq: number): Promise<TranscriptLine[]>;
  canFollow(actor: AgentActor, conversationId: string): Promise<boolean>;
  reply(actor: AgentActor, handoffId: string, text: string, clientId?: string): Promise<void>;
  sendPhrase(actor: AgentActor, handoffId: string, key: PhraseKey): Promise<void>;
  typing(actor: AgentActor, handoffId: string): Promise<void>;
  ticketDraft(actor: AgentActor, handoffId: string): Promise<HandoffTicketDraft>;
  createTicket(actor: AgentActor, handoffId: string, input: HandoffTicketInput): Promise<{ number: string; id: string }>;
  transfer(actor: AgentActor, handoffId: string, to: { group?: string; agentUserId?: string; note: string }): Promise<void>;
  returnToBot(actor: AgentActor, handoffId: string): Promise<void>;
  close(actor: AgentActor, handoffId: string): Promise<void>;
}

/** The acting agent, from the console session. */
export function actorOf(session: Session): AgentActor {
  return { userId: session.user.id, role: session.user.role, displayName: session.user.displayName };
}

/** zod's Spanish messages, for the issues a schema below does not word itself. */
const ES = z.locales.es();
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const presenceBody = z.strictObject({
  status: z.enum(PRESENCE_CHOICES, { error: 'Indique su estado: available (disponible), busy (ocupado) o away (ausente).' }),
});

const replyBody = z.strictObject({
  text: z
    .string({ error: 'Escriba el mensaje.' })
    .trim()
    .min(1, { error: 'El mensaje no puede estar vacío.' })
    .max(MAX_REPLY_LENGTH, { error: `El mensaje admite hasta ${MAX_REPLY_LENGTH} caracteres.` }),
  clientId: z
    .string()
    .regex(/^[\w.:-]{1,100}$/, { error: 'El identificador del mensaje debe tener de 1 a 100 letras, dígitos, «.», «:», «_» o «-».' })
    .optional(),
});

const phraseBody = z.strictObject({
  key: z.enum(PHRASE_KEYS, { error: `Frase desconocida (use ${PHRASE_KEYS.join(', ')}).` }),
});

const urgency = z.enum(URGENCY_LEVELS, { error: 'Urgencia desconocida (use critical, high, medium o low).' });
const impact = z.enum(IMPACT_LEVELS, { error: 'Impacto desconocido (use extensive, significant, moderate o minor).' });
const serviceCode = z
  .string()
  .trim()
  .max(60, { error: 'El código de servicio admite hasta 60 caracteres.' })
  .regex(/^[A-Z0-9]+(?:-[A-Z0-9]+)*$/, { error: 'El código de servicio va en MAYÚSCULAS, dígitos y guiones (p. ej. CORREO-CONTRASENA).' });
const resolverGroup = z
  .string()
  .trim()
  .min(1, { error: 'El grupo resolutor no puede estar vacío.' })
  .max(MAX_RESOLVER_GROUP_LENGTH, { error: `El grupo resolutor admite hasta ${MAX_RESOLVER_GROUP_LENGTH} caracteres.` });

/** The fields of a ticket the agent fills in from a conversation. */
const ticketFields = {
  kind: z.enum(HANDOFF_TICKET_KINDS, { error: 'Indique si es una falla (incident) o una petición de servicio (request).' }),
  description: z
    .string({ error: 'Describa el problema o la petición.' })
    .trim()
    .min(1, { error: 'La descripción no puede estar vacía.' })
    .max(MAX_TICKET_DESCRIPTION_LENGTH, { error: `La descripción admite hasta ${MAX_TICKET_DESCRIPTION_LENGTH} caracteres.` }),
  urgency,
  impact,
  serviceCode: serviceCode.nullish(),
  resolverGroup: resolverGroup.nullish(),
};

const ticketBody = z.strictObject(ticketFields);

const transferBody = z
  .strictObject({
    group: resolverGroup.optional(),
    agentUserId: z.string().regex(UUID, { error: 'El agente debe indicarse por su identificador.' }).optional(),
    note: z
      .string({ error: 'Escriba una nota para quien recibe la conversación.' })
      .trim()
      .min(1, { error: 'La nota no puede estar vacía: diga a quien la recibe qué se ha hecho.' })
      .max(MAX_TRANSFER_NOTE_LENGTH, { error: `La nota admite hasta ${MAX_TRANSFER_NOTE_LENGTH} caracteres.` }),
  })
  .refine((b) => (b.group === undefined) !== (b.agentUserId === undefined), {
    error: 'Indique a dónde transferir: un grupo (group) o un agente (agentUserId), solo uno de los dos.',
    path: ['group'],
  });

const phoneBody = z.strictObject({
  route: z
    .string({ error: 'Escriba el teléfono o la dirección SIP (o null para quitarlo).' })
    .max(MAX_VOICE_ROUTE_LENGTH, { error: `El teléfono o la dirección SIP admite hasta ${MAX_VOICE_ROUTE_LENGTH} caracteres.` })
    .nullable(),
});

/** Parses with zod; a problem becomes a 400 naming each field in Spanish. */
export function parseBody<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value, { error: ES.localeError });
  if (result.success) return result.data;
  const details = result.error.issues.map((i) => ({ path: i.path.map(String).join('.') || '(raíz)', message: i.message }));
  const summary = details.map((d) => `${d.path}: ${d.message}`).join('; ');
  throw new ApiError(400, 'BadArgument', `${what}: ${summary}`, {}, details);
}

/** `handoff/not_found` → `NotFound`, `handoff/already_taken` → `AlreadyTaken`: the API's stable error codes. */
function apiCode(err: HandoffError): string {
  const tail = err.code.includes('/') ? err.code.slice(err.code.lastIndexOf('/') + 1) : err.code;
  const pascal = tail
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
  return pascal || { 400: 'BadArgument', 403: 'Forbidden', 404: 'NotFound', 409: 'Conflict' }[err.status];
}

/** A handoff error as the console API answers it: same status, Spanish message. */
export function handoffHttpError(err: HandoffError): ApiError {
  return new ApiError(err.status, apiCode(err), err.message);
}

function handoffId(req: Request): string {
  const id = req.params?.id;
  if (typeof id !== 'string' || !UUID.test(id)) throw new ApiError(400, 'BadArgument', 'El identificador de la conversación no es válido.');
  return id.toLowerCase();
}

/**
 * The agent console API for live attention (issue 5). Every route is for agents, coordinators and admins (401
 * without a session, 403 for other roles or without the CSRF header on changes); the handoff service decides what
 * each of them may see and do, and its errors leave as the same 4xx with their Spanish message.
 *
 * - `GET  /api/handoff/snapshot` → `{ snapshot }` (AgentSnapshot)
 * - `PUT  /api/handoff/presence` `{ status: available|busy|away }` → 204
 * - `POST /api/handoff/:id/accept` → `{ handoff }` (HandoffView)
 * - `GET  /api/handoff/:id` → HandoffDetail (`{ handoff, context, transcript, watermark, priorTickets }`)
 * - `POST /api/handoff/:id/messages` `{ text, clientId? }` → 204
 * - `POST /api/handoff/:id/phrases` `{ key: greeting|hold|farewell|anythingElse }` → 204
 * - `POST /api/handoff/:id/typing` → 204
 * - `GET  /api/handoff/:id/ticket-draft` → `{ draft }`
 * - `POST /api/handoff/:id/ticket` `{ kind, description, urgency, impact, serviceCode?, resolverGroup? }` → 201 `{ ticket: { number, id } }`
 * - `POST /api/handoff/:id/transfer` `{ group | agentUserId, note }` → 204
 * - `POST /api/handoff/:id/return` → 204 (back to the bot)
 * - `POST /api/handoff/:id/close` → 204
 */
export class HandoffRoutes implements ConsoleRoutes {
  constructor(private readonly deps: { sessions: SessionService; handoff: AgentHandoff }) {
    if (!deps?.sessions) throw new Error('HandoffRoutes: sessions are required');
    if (!deps.handoff) throw new Error('HandoffRoutes: handoff service is required');
  }

  register(server: Server): void {
    const p = '/api/handoff';
    const h = this.deps.handoff;
    server.get(`${p}/snapshot`, this.as(async (_req, res, actor) => {
      const snapshot = await h.snapshot(actor);
      res.setHeader('Cache-Control', 'no-store');
      res.send(200, { snapshot });
    }));
    server.put(`${p}/presence`, this.as(async (req, res, actor) => {
      const body = parseBody(presenceBody, jsonBody(req), 'Estado inválido');
      await h.setPresence(actor, body.status);
      res.send(204);
    }));
    server.post(`${p}/:id/accept`, this.as(async (req, res, actor) => {
      const handoff = await h.accept(actor, handoffId(req));
      res.send(200, { handoff });
    }));
    server.get(`${p}/:id`, this.as(async (req, res, actor) => {
      const detail = await h.detail(actor, handoffId(req));
      res.setHeader('Cache-Control', 'no-store');
      res.send(200, detail);
    }));
    server.post(`${p}/:id/messages`, this.as(async (req, res, actor) => {
      const id = handoffId(req);
      const body = parseBody(replyBody, jsonBody(req), 'Mensaje inválido');
      await h.reply(actor, id, body.text, body.clientId);
      res.send(204);
    }));
    server.post(`${p}/:id/phrases`, this.as(async (req, res, actor) => {
      const id = handoffId(req);
      const body = parseBody(phraseBody, jsonBody(req), 'Frase inválida');
      await h.sendPhrase(actor, id, body.key);
      res.send(204);
    }));
    server.post(`${p}/:id/typing`, this.as(async (req, res, actor) => {
      await h.typing(actor, handoffId(req));
      res.send(204);
    }));
    server.get(`${p}/:id/ticket-draft`, this.as(async (req, res, actor) => {
      const draft = await h.ticketDraft(actor, handoffId(req));
      res.setHeader('Cache-Control', 'no-store');
      res.send(200, { draft });
    }));
    server.post(`${p}/:id/ticket`, this.as(async (req, res, actor) => {
      const id = handoffId(req);
      const body = parseBody(ticketBody, jsonBody(req), 'Ticket inválido');
      const ticket = await h.createTicket(actor, id, {
        kind: body.kind,
        description: body.description,
        urgency: body.urgency,
        impact: body.impact,
        serviceCode: body.serviceCode ?? null,
        resolverGroup: body.resolverGroup ?? null,
      });
      res.send(201, { ticket: { number: ticket.number, id: ticket.id } });
    }));
    server.post(`${p}/:id/transfer`, this.as(async (req, res, actor) => {
      const id = handoffId(req);
      const body = parseBody(transferBody, jsonBody(req), 'Transferencia inválida');
      await h.transfer(actor, id, body.group !== undefined ? { group: body.group, note: body.note } : { agentUserId: String(body.agentUserId).toLowerCase(), note: body.note });
      res.send(204);
    }));
    server.post(`${p}/:id/return`, this.as(async (req, res, actor) => {
      await h.returnToBot(actor, handoffId(req));
      res.send(204);
    }));
    server.post(`${p}/:id/close`, this.as(async (req, res, actor) => {
      await h.close(actor, handoffId(req));
      res.send(204);
    }));
  }

  /** A route for the handoff roles (401/403/CSRF by authorize()); handoff errors leave as Spanish JSON 4xx. */
  private as(fn: (req: Request, res: Response, actor: AgentActor) => Promise<void>) {
    return route(async (req, res) => {
      const session = await authorize(this.deps.sessions, req, HANDOFF_ROLES);
      try {
        await fn(req, res, actorOf(session));
      } catch (err) {
        if (err instanceof HandoffError) throw handoffHttpError(err);
        throw err;
      }
    });
  }
}

/**
 * What the phone routes need of the user service (services/users/user.service.ts, `UserService`, has exactly these
 * methods). The service decides who may read or change whose phone.
 */
export interface AgentPhones {
  voiceRoute(actor: UserActor, userId: string): Promise<string | null>;
  setVoiceRoute(actor: UserActor, userId: string, route: string | null): Promise<string | null>;
}

/**
 * Where an agent's accepted phone calls ring (issue 6): an E.164 number or a `sip:` address, as `{ route }` (null =
 * none: the agent cannot take calls). For agents, coordinators and admins (401/403/CSRF like {@link HandoffRoutes});
 * an agent reads and changes only their own, coordinators and admins anybody's who takes calls.
 *
 * - `GET /api/handoff/me/phone` → `{ route }`
 * - `PUT /api/handoff/me/phone` `{ route: "55 1234 5678" | "+52…" | "sip:…" | null }` → `{ route }` (stored form)
 * - `GET /api/handoff/agents/:userId/phone`, `PUT /api/handoff/agents/:userId/phone` — the same for another account
 *
 * A route nobody can dial → 400 `BadArgument` with the detail on `route`; another's phone for an agent → 403
 * `Forbidden`; no such account → 404 `NotFound`.
 */
export class AgentPhoneRoutes implements ConsoleRoutes {
  constructor(private readonly deps: { sessions: SessionService; users: AgentPhones }) {
    if (!deps?.sessions) throw new Error('AgentPhoneRoutes: sessions are required');
    if (!deps.users) throw new Error('AgentPhoneRoutes: users service is required');
  }

  register(server: Server): void {
    const users = this.deps.users;
    const read = this.as(async (_req, res, actor, userId) => {
      res.setHeader('Cache-Control', 'no-store');
      res.send(200, { route: await users.voiceRoute(actor, userId) });
    });
    const write = this.as(async (req, res, actor, userId) => {
      const body = parseBody(phoneBody, jsonBody(req), 'Teléfono inválido');
      res.send(200, { route: await users.setVoiceRoute(actor, userId, body.route) });
    });
    server.get('/api/handoff/me/phone', read);
    server.put('/api/handoff/me/phone', write);
    server.get('/api/handoff/agents/:userId/phone', read);
    server.put('/api/handoff/agents/:userId/phone', write);
  }

  /** `me` is the session's user; otherwise the `:userId` of the path. User errors leave as Spanish JSON 4xx. */
  private as(fn: (req: Request, res: Response, actor: UserActor, userId: string) => Promise<void>) {
    return route(async (req, res) => {
      const session = await authorize(this.deps.sessions, req, HANDOFF_ROLES);
      const param = req.params?.userId;
      let userId = session.user.id;
      if (param !== undefined) {
        if (typeof param !== 'string' || !UUID.test(param)) throw new ApiError(400, 'BadArgument', 'El identificador de la cuenta no es válido.');
        userId = param.toLowerCase();
      }
      try {
        await fn(req, res, session.user, userId);
      } catch (err) {
        if (err instanceof InvalidVoiceRouteError) throw new ApiError(400, 'BadArgument', `Teléfono inválido: ${err.message}`, {}, [{ path: err.field, message: err.message }]);
        if (err instanceof UserInputError) throw new ApiError(400, 'BadArgument', err.message);
        if (err instanceof UserForbiddenError) throw new ApiError(403, 'Forbidden', err.message);
        if (err instanceof UserNotFoundError) throw new ApiError(404, 'NotFound', err.message);
        throw err;
      }
    });
  }
}
