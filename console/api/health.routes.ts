import type { Request, Response, Server } from 'restify';
import type { SessionService, UserRole } from '../../services/auth/session.service';
import { HealthError, type HealthCheckService } from '../../services/health/health-check';
import { ApiError } from '../../services/http/api-error';
import { authorize, jsonBody, route, type ConsoleRoutes } from './console-http';

/**
 * Seed 004 makes the preventive maintenance the technical support's (técnicos de la UACT: in the console, the admin):
 * only they run a check.
 */
const ADMINS: readonly UserRole[] = ['admin'];
/**
 * The head of the area (Jefe de UACT: the coordinator) is informed of the result, analyses it and defines the action
 * (seed 004 stage 2): coordinators and admins read the log and write a run's note.
 */
const READERS: readonly UserRole[] = ['admin', 'coordinator'];

function intParam(req: Request, name: string, fallback: number, min: number, max: number): number {
  const value: unknown = (req.query as Record<string, unknown> | undefined)?.[name];
  if (value === undefined || value === '') return fallback;
  if (typeof value !== 'string' || !/^\d{1,6}$/.test(value)) throw new ApiError(400, 'BadArgument', `Solicitud inválida: ${name} debe ser un número entero.`);
  const n = Number(value);
  if (n < min || n > max) throw new ApiError(400, 'BadArgument', `Solicitud inválida: ${name} debe estar entre ${min} y ${max}.`);
  return n;
}

/** The run id of the path (`:id`); 400 when it is not a number. */
function idParam(req: Request): number {
  const id = String((req.params as Record<string, unknown>).id ?? '');
  if (!/^\d{1,15}$/.test(id)) throw new ApiError(400, 'BadArgument', 'Solicitud inválida: el identificador de la revisión debe ser un número.');
  return Number(id);
}

/**
 * The system health log (401 without a session, 403 for roles not named):
 * - `GET /api/health/checks?limit=&offset=` (admins, coordinators): the stored runs, newest first, each with its counts
 *   per status and its note; `months`: the last 12 months of the desk's calendar, oldest first, each marked by its
 *   monthly run (`ok`, `warn`, `fail`) or its absence (`missing`; `pending` for the current month);
 * - `GET /api/health/checks/:id` (admins, coordinators): one run with every check (name, status, detail, ms) and its
 *   note; 404 when there is none;
 * - `PUT /api/health/checks/:id/note` { note } (admins, coordinators): the head's decision on the run (1–2000
 *   characters), replacing an earlier one, audited (`health.note`); answers with the run; 400, 404;
 * - `POST /api/health/checks` (admins): runs every check now (kind `manual`), stores and audits it, answers 201 with
 *   the run; 409 while a run is in progress, 429 (Retry-After) right after another run.
 */
export class HealthRoutes implements ConsoleRoutes {
  constructor(private readonly deps: { sessions: SessionService; health: Pick<HealthCheckService, 'runManual' | 'history' | 'get' | 'note'> }) {
    if (!deps?.sessions) throw new Error('HealthRoutes: sessions are required');
    if (!deps.health) throw new Error('HealthRoutes: health is required');
  }

  register(server: Server): void {
    const health = this.deps.health;
    server.get('/api/health/checks', this.as(READERS, async (req, res) => {
      const limit = intParam(req, 'limit', 20, 1, 100);
      const offset = intParam(req, 'offset', 0, 0, 1_000_000);
      res.setHeader('Cache-Control', 'no-store');
      res.send(200, await health.history({ limit, offset }));
    }));
    server.get('/api/health/checks/:id', this.as(READERS, async (req, res) => {
      const run = await health.get(idParam(req));
      if (!run) throw new ApiError(404, 'HealthCheckNotFound', 'No existe esa revisión de salud.');
      res.setHeader('Cache-Control', 'no-store');
      res.send(200, { run });
    }));
    server.put('/api/health/checks/:id/note', this.as(READERS, async (req, res, by) => {
      const id = idParam(req);
      const note = jsonBody(req).note;
      try {
        res.send(200, { run: await health.note(id, note, by) });
      } catch (err) {
        if (!(err instanceof HealthError)) throw err;
        if (err.code === 'health/not_found') throw new ApiError(404, 'HealthCheckNotFound', err.message);
        throw new ApiError(400, 'BadArgument', err.message);
      }
    }));
    server.post('/api/health/checks', this.as(ADMINS, async (_req, res, by) => {
      try {
        res.send(201, { run: await health.runManual(by) });
      } catch (err) {
        if (!(err instanceof HealthError)) throw err;
        if (err.code === 'health/running') throw new ApiError(409, 'HealthCheckRunning', err.message);
        throw new ApiError(429, 'TooManyRequests', err.message, { 'Retry-After': String(err.retryAfterSeconds) });
      }
    }));
  }

  /** A route for `roles` (401/403 by authorize()); the handler gets the user's e-mail (who did it, for the audit log). */
  private as(roles: readonly UserRole[], fn: (req: Request, res: Response, by: string) => Promise<void>) {
    return route(async (req, res) => {
      const session = await authorize(this.deps.sessions, req, roles);
      await fn(req, res, session.user.email);
    });
  }
}
