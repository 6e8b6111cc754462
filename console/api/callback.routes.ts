import type { Request, Response, Server } from 'restify';
import { z } from 'zod';
import type { Session, SessionService, UserRole } from '../../services/auth/session.service';
import { CALLBACK_STATUS_VALUES, CallbackError, type CallbackActor, type CallbackService } from '../../services/callbacks/callback.service';
import { ApiError } from '../../services/http/api-error';
import { authorize, route, type ConsoleRoutes } from './console-http';

/** Who sees the callbacks: the first level and coordination (agents only those of their groups). */
export const CALLBACK_ROLES: readonly UserRole[] = ['agent', 'coordinator', 'admin'];
const MAX_PAGE = 500;

const ES = z.locales.es();

const listQuery = z.object({
  status: z
    .preprocess(
      (v) => (typeof v === 'string' || Array.isArray(v) ? [v].flat().flatMap((x) => String(x).split(',')).map((x) => x.trim()).filter(Boolean) : v),
      z.array(z.enum(CALLBACK_STATUS_VALUES, { error: `Estado desconocido (use ${CALLBACK_STATUS_VALUES.join(', ')}).` })).max(5),
    )
    .optional(),
  limit: z.coerce.number({ error: 'Debe ser un número.' }).int().min(1).max(MAX_PAGE, { error: `Como máximo ${MAX_PAGE}.` }).optional(),
});

const ERRORS: Record<CallbackError['code'], [number, string]> = {
  'callback/not_found': [404, 'CallbackNotFound'],
  'callback/forbidden': [403, 'Forbidden'],
  'callback/closed': [409, 'CallbackClosed'],
  'callback/invalid': [400, 'BadArgument'],
};

/**
 * The console's callbacks: `GET /api/callbacks?status=pending,calling&limit=` (agents: their groups'; coordinators
 * and admins: all) and `POST /api/callbacks/:id/cancel` (coordinators and admins any; agents those of their
 * groups), audited by the service.
 */
export class CallbackApiRoutes implements ConsoleRoutes {
  constructor(
    private readonly deps: {
      sessions: SessionService;
      callbacks: Pick<CallbackService, 'list' | 'cancel'>;
    },
  ) {
    if (!deps?.sessions) throw new Error('CallbackApiRoutes: sessions are required');
    if (!deps.callbacks) throw new Error('CallbackApiRoutes: callback service is required');
  }

  register(server: Server): void {
    server.get('/api/callbacks', this.as(async (req, res, actor) => {
      const parsed = listQuery.safeParse(req.query ?? {}, { error: ES.localeError });
      if (!parsed.success) {
        const details = parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.') || '(raíz)', message: i.message }));
        throw new ApiError(400, 'BadArgument', `Consulta inválida: ${details.map((d) => `${d.path}: ${d.message}`).join('; ')}`, {}, details);
      }
      const q = parsed.data;
      const callbacks = await this.deps.callbacks.list(actor, { ...(q.status ? { statuses: q.status } : {}), ...(q.limit ? { limit: q.limit } : {}) });
      res.setHeader('Cache-Control', 'no-store');
      res.send(200, { callbacks });
    }));
    server.post('/api/callbacks/:id/cancel', this.as(async (req, res, actor) => {
      const id = req.params?.id;
      if (typeof id !== 'string' || id.length > 64) throw new ApiError(404, 'CallbackNotFound', 'No existe esa devolución de llamada.');
      const callback = await this.deps.callbacks.cancel(actor, id);
      res.send(200, { callback });
    }));
  }

  /** A route for the callback roles (401/403/CSRF by authorize()); callback errors leave as Spanish JSON 4xx. */
  private as(fn: (req: Request, res: Response, actor: CallbackActor) => Promise<void>) {
    return route(async (req, res) => {
      const session: Session = await authorize(this.deps.sessions, req, CALLBACK_ROLES);
      try {
        await fn(req, res, { id: session.user.id, email: session.user.email, role: session.user.role });
      } catch (err) {
        if (err instanceof CallbackError) {
          const [status, code] = ERRORS[err.code];
          throw new ApiError(status, code, err.message);
        }
        throw err;
      }
    });
  }
}
