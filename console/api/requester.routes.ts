import type { Request, Response, Server } from 'restify';
import { z } from 'zod';
import type { Session, SessionService, UserRole } from '../../services/auth/session.service';
import { ApiError } from '../../services/http/api-error';
import {
  DEFAULT_SEARCH_LIMIT,
  MAX_SEARCH_LIMIT,
  RequesterError,
  type RequesterAdminService,
  type RequesterDetail,
  type RequesterSummary,
} from '../../services/requesters/requester-admin.service';
import { authorize, jsonBody, route, type ConsoleRoutes } from './console-http';

/** Requesters are personal data: only coordination sees, merges and splits them. */
const EDITORS: readonly UserRole[] = ['coordinator', 'admin'];

const ERRORS: Record<RequesterError['code'], [number, string]> = {
  'requester/not_found': [404, 'RequesterNotFound'],
  'requester/invalid_input': [400, 'BadArgument'],
  'requester/merged': [409, 'RequesterMerged'],
  'requester/self_merge': [400, 'BadArgument'],
  'requester/split_all': [409, 'CannotSplitAll'],
};

const searchQuery = z.object({
  q: z.string({ error: 'La búsqueda debe ser texto.' }).max(200, { error: 'La búsqueda admite hasta 200 caracteres.' }).optional(),
  limit: z.coerce
    .number({ error: 'El límite debe ser un número.' })
    .int({ error: 'El límite debe ser un número entero.' })
    .min(1, { error: `El límite va de 1 a ${MAX_SEARCH_LIMIT}.` })
    .max(MAX_SEARCH_LIMIT, { error: `El límite va de 1 a ${MAX_SEARCH_LIMIT}.` })
    .optional(),
});

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const details = result.error.issues.map((i) => ({ path: i.path.map(String).join('.') || '(raíz)', message: i.message }));
  throw new ApiError(400, 'BadArgument', `${what}: ${details.map((d) => `${d.path}: ${d.message}`).join('; ')}`, {}, details);
}

/** What the console and the API show of a requester in a list. */
export function requesterJson(r: RequesterSummary) {
  return {
    id: r.id,
    name: r.name,
    unitName: r.unitName,
    role: r.role,
    email: r.email,
    phone: r.phone,
    identities: r.identities.map((i) => ({ kind: i.kind, value: i.value, verified: i.verified, proof: i.proof, createdAt: i.createdAt })),
    ticketCount: r.ticketCount,
    lastSeenAt: r.lastSeenAt,
  };
}

/** A requester's whole record. */
export function requesterDetailJson(r: RequesterDetail) {
  return {
    ...requesterJson(r),
    unitCode: r.unitCode,
    extension: r.extension,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    tickets: r.tickets.map((t) => ({ id: t.id, number: t.number, status: t.status, kind: t.kind, channel: t.channel, conversationId: t.conversationId, createdAt: t.createdAt })),
    conversationCount: r.conversationCount,
  };
}

function idParam(req: Request): string {
  const id = req.params?.id;
  // Anything that cannot be an id is simply not found.
  if (typeof id !== 'string' || !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) {
    throw new ApiError(404, 'RequesterNotFound', 'Ese solicitante no existe.');
  }
  return id.toLowerCase();
}

/**
 * The requesters API of the console (coordinators and admins):
 * - `GET /api/requesters?q=&limit=`: search by name, e-mail, phone digits or a channel identity (merged records left out);
 * - `GET /api/requesters/:id`: the record with its tickets; a merged id answers the survivor's, with `mergedInto`;
 * - `POST /api/requesters/:id/merge` `{ from: [id…], reason }`: the records in `from` become part of `:id`;
 * - `POST /api/requesters/:id/split` `{ identities: [{ kind, value }…], reason }`: those identities go to a new record.
 * Merges and splits are audited with the console user's e-mail and the reason.
 */
export class RequesterRoutes implements ConsoleRoutes {
  constructor(private readonly deps: { sessions: SessionService; requesters: RequesterAdminService }) {
    if (!deps?.sessions) throw new Error('RequesterRoutes: sessions are required');
    if (!deps.requesters) throw new Error('RequesterRoutes: requester service is required');
  }

  register(server: Server): void {
    const p = '/api/requesters';
    const r = this.deps.requesters;
    server.get(p, this.as(async (req, res) => {
      const q = parse(searchQuery, req.query ?? {}, 'Consulta inválida');
      const found = await r.search(q.q ?? '', { limit: q.limit ?? DEFAULT_SEARCH_LIMIT });
      res.setHeader('Cache-Control', 'no-store');
      res.send(200, { requesters: found.map(requesterJson) });
    }));
    server.get(`${p}/:id`, this.as(async (req, res) => {
      const found = await r.get(idParam(req));
      if (!found) throw new ApiError(404, 'RequesterNotFound', 'Ese solicitante no existe.');
      res.setHeader('Cache-Control', 'no-store');
      res.send(200, { requester: requesterDetailJson(found.requester), mergedInto: found.mergedInto });
    }));
    server.post(`${p}/:id/merge`, this.as(async (req, res, session) => {
      const result = await r.merge(session.user.email, idParam(req), jsonBody(req));
      res.send(200, { requester: requesterDetailJson(result.requester), merged: result.merged, moved: result.moved, filled: result.filled });
    }));
    server.post(`${p}/:id/split`, this.as(async (req, res, session) => {
      const result = await r.split(session.user.email, idParam(req), jsonBody(req));
      res.send(201, { requester: requesterDetailJson(result.requester), source: requesterDetailJson(result.source), moved: result.moved, cleared: result.cleared });
    }));
  }

  /** A coordination route (401/403/CSRF by authorize()); requester errors leave as Spanish JSON 4xx. */
  private as(fn: (req: Request, res: Response, session: Session) => Promise<void>) {
    return route(async (req, res) => {
      const session = await authorize(this.deps.sessions, req, EDITORS);
      try {
        await fn(req, res, session);
      } catch (err) {
        if (err instanceof RequesterError) {
          const [status, code] = ERRORS[err.code];
          throw new ApiError(status, code, err.message, {}, err.problems.length > 0 ? err.problems : undefined);
        }
        throw err;
      }
    });
  }
}
