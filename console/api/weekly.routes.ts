import type { Request, Response, Server } from 'restify';
import type { SessionService, UserRole } from '../../services/auth/session.service';
import { ApiError } from '../../services/http/api-error';
import { WeeklySummaryError, type WeeklySummaryService } from '../../services/reports/weekly-summary';
import { authorize, route, type ConsoleRoutes } from './console-http';

/** The weekly supervision of the agents is the coordination's: coordinators and admins. */
const READERS: readonly UserRole[] = ['coordinator', 'admin'];

function queryParam(req: Request, name: string): string | undefined {
  const value: unknown = (req.query as Record<string, unknown> | undefined)?.[name];
  if (Array.isArray(value)) throw new ApiError(400, 'BadArgument', `Solicitud inválida: ${name} va una sola vez.`);
  return typeof value === 'string' ? value : undefined;
}

/**
 * The weekly summary per agent (seed 000 step 09) of an ISO week on the desk's calendar. Coordinators and admins (401
 * without a session, 403 for other roles); a malformed week or agent answers 400, an unknown agent 404, in Spanish.
 * - `GET /api/reports/weekly?week=YYYY-Www`: the summary, the last complete week without `week`.
 * - `GET /api/reports/weekly/items?week=YYYY-Www&agentId=…`: the conversations the agent accepted that week (the
 *   handoffs behind their «Conversaciones», same conditions).
 */
export class WeeklyRoutes implements ConsoleRoutes {
  constructor(private readonly deps: { sessions: SessionService; weekly: WeeklySummaryService }) {
    if (!deps?.sessions) throw new Error('WeeklyRoutes: sessions are required');
    if (!deps.weekly) throw new Error('WeeklyRoutes: weekly is required');
  }

  register(server: Server): void {
    const weekly = this.deps.weekly;
    server.get('/api/reports/weekly', this.as(async (req, res) => res.send(200, await weekly.summary(queryParam(req, 'week')))));
    server.get('/api/reports/weekly/items', this.as(async (req, res) => res.send(200, await weekly.items(queryParam(req, 'week'), queryParam(req, 'agentId')))));
  }

  /** A coordination route; the summary's errors leave as Spanish JSON (400, or 404 for an unknown agent). */
  private as(fn: (req: Request, res: Response) => Promise<void>) {
    return route(async (req, res) => {
      await authorize(this.deps.sessions, req, READERS);
      res.setHeader('Cache-Control', 'no-store');
      try {
        await fn(req, res);
      } catch (err) {
        if (err instanceof WeeklySummaryError) {
          throw err.code === 'weekly/unknown_agent' ? new ApiError(404, 'NotFound', err.message) : new ApiError(400, 'BadArgument', err.message);
        }
        throw err;
      }
    });
  }
}
