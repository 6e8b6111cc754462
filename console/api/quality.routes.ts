import { pipeline } from 'node:stream/promises';
import type { Request, Response, Server } from 'restify';
import type { Session, SessionService, UserRole } from '../../services/auth/session.service';
import { ApiError } from '../../services/http/api-error';
import type { QualityActor } from '../../services/quality/quality-actions';
import { QualityError } from '../../services/quality/quality-types';
import type { QualityService } from '../../services/quality/quality.service';
import { authorize, jsonBody, route, type ConsoleRoutes } from './console-http';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** Who draws, reviews, tabulates and assigns actions: the coordination (coordinators and admins). */
const REVIEWERS: readonly UserRole[] = ['coordinator', 'admin'];
/** Who approves or returns a submitted review: the coordinator (seed 001: «Jefe de UACT»). */
const APPROVERS: readonly UserRole[] = ['coordinator'];
/** Anyone signed in (an agent reads and completes their own corrective actions). */
const ANYONE: readonly UserRole[] = ['agent', 'resolver', 'coordinator', 'admin'];

const ERRORS: Record<QualityError['code'], [number, string]> = {
  'quality/invalid_input': [400, 'BadArgument'],
  'quality/incomplete': [400, 'IncompleteReview'],
  'quality/not_found': [404, 'NotFound'],
  'quality/exists': [409, 'ReviewExists'],
  'quality/empty': [409, 'EmptyMonth'],
  'quality/wrong_status': [409, 'WrongStatus'],
  'quality/forbidden': [403, 'Forbidden'],
  'quality/recording_unavailable': [502, 'RecordingUnavailable'],
  'quality/bad_range': [416, 'RangeNotSatisfiable'],
};

function queryParam(req: Request, name: string): string | undefined {
  const value: unknown = (req.query as Record<string, unknown> | undefined)?.[name];
  if (Array.isArray(value)) throw new ApiError(400, 'BadArgument', `Solicitud inválida: ${name} va una sola vez.`);
  return typeof value === 'string' && value !== '' ? value : undefined;
}

const param = (req: Request, name: string): string | undefined => {
  const value: unknown = req.params?.[name];
  return typeof value === 'string' ? value : undefined;
};

const actorOf = (session: Session): QualityActor => ({ id: session.user.id, email: session.user.email, role: session.user.role });

/**
 * The protocol-quality review API of the console (seed 001 stage 2, seed 004 stage 4). 401 without a session, 403 for
 * other roles; bad input 400, unknown month/item/action 404, a state that does not allow it 409, Spanish JSON.
 * - `GET|POST /api/quality/reviews`: the reviews; draw a month's sample `{ month, size?, seed? }` (201).
 * - `GET /api/quality/reviews/:month`: the review with its items, checklist, tabulation and actions.
 * - `GET /api/quality/reviews/:month/report.xlsx`: the review's report workbook (attachment `revision-calidad-AAAA-MM.xlsx`).
 * - `GET|PUT /api/quality/reviews/:month/items/:id`: one item with its transcript; the verdicts `{ verdicts, observations? }`.
 * - `GET /api/quality/reviews/:month/items/:id/recording`: the call recording, streamed from Twilio (never a redirect);
 *   the browser's `Range` goes to Twilio (206 with `Content-Range`), 404 when there is none, 502 when Twilio failed.
 * - `POST /api/quality/reviews/:month/submit|return|approve`: to the coordinator; the coordinator's decision.
 * - `POST /api/quality/reviews/:month/actions`, `GET /api/quality/actions[?status=&agentId=]`, `GET /api/quality/actions/mine`,
 *   `POST /api/quality/actions/:id/done`, `POST /api/quality/actions/:id/follow-up`: corrective actions.
 */
export class QualityRoutes implements ConsoleRoutes {
  constructor(private readonly deps: { sessions: SessionService; quality: QualityService }) {
    if (!deps?.sessions) throw new Error('QualityRoutes: sessions are required');
    if (!deps.quality) throw new Error('QualityRoutes: quality is required');
  }

  register(server: Server): void {
    const q = this.deps.quality;
    const base = '/api/quality/reviews';
    server.get(base, this.as(REVIEWERS, async (_s, _req, res) => res.send(200, { reviews: await q.list() })));
    server.post(base, this.as(REVIEWERS, async (s, req, res) => {
      const body = jsonBody(req);
      res.send(201, await q.create(s.user.email, { month: body.month, size: body.size, seed: body.seed }));
    }));
    server.get(`${base}/:month`, this.as(REVIEWERS, async (_s, req, res) => res.send(200, await q.detail(param(req, 'month')))));
    server.get(`${base}/:month/report.xlsx`, this.as(REVIEWERS, async (_s, req, res) => {
      const report = await q.report(param(req, 'month'));
      res.setHeader('Content-Type', XLSX_TYPE);
      res.setHeader('Content-Disposition', `attachment; filename="${report.fileName}"`);
      res.setHeader('X-Content-Type-Options', 'nosniff');
      res.sendRaw(200, report.xlsx);
    }));
    server.get(`${base}/:month/items/:id`, this.as(REVIEWERS, async (_s, req, res) => res.send(200, await q.item(param(req, 'month'), param(req, 'id')))));
    server.put(`${base}/:month/items/:id`, this.as(REVIEWERS, async (s, req, res) => {
      const body = jsonBody(req);
      res.send(200, await q.review(s.user.email, param(req, 'month'), param(req, 'id'), { verdicts: body.verdicts, observations: body.observations }));
    }));
    server.get(`${base}/:month/items/:id/recording`, this.as(REVIEWERS, async (_s, req, res) => {
      // The reviewer left (closed the player, seeked elsewhere) before the answer ended: stop asking Twilio.
      const left = new AbortController();
      const onClose = () => {
        if (!res.writableFinished) left.abort();
      };
      // The response's 'close' (not the request's, which a body-less GET may emit as soon as it was read).
      res.once('close', onClose);
      const range = req.headers.range;
      try {
        const recording = await q.recording(param(req, 'month'), param(req, 'id'), { range: typeof range === 'string' ? range : undefined, signal: left.signal });
        res.writeHead(recording.status, {
          'Content-Type': recording.contentType,
          'Accept-Ranges': 'bytes',
          ...(recording.contentLength !== null ? { 'Content-Length': String(recording.contentLength) } : {}),
          ...(recording.contentRange ? { 'Content-Range': recording.contentRange } : {}),
          'Cache-Control': 'no-store',
          'X-Content-Type-Options': 'nosniff',
          'Content-Disposition': 'inline',
        });
        // Once the audio started, a failure (the reviewer closed the player, Twilio cut it) can only end the response.
        await pipeline(recording.body, res).catch(() => res.destroy());
      } finally {
        res.removeListener('close', onClose);
      }
    }));
    server.post(`${base}/:month/submit`, this.as(REVIEWERS, async (s, req, res) => res.send(200, await q.submit(s.user.email, param(req, 'month')))));
    server.post(`${base}/:month/return`, this.as(APPROVERS, async (s, req, res) => {
      res.send(200, await q.decide(s.user.email, param(req, 'month'), 'returned', jsonBody(req).comments));
    }));
    server.post(`${base}/:month/approve`, this.as(APPROVERS, async (s, req, res) => {
      const body: unknown = req.body;
      const comments = body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>).comments : undefined;
      res.send(200, await q.decide(s.user.email, param(req, 'month'), 'approved', comments));
    }));
    server.post(`${base}/:month/actions`, this.as(REVIEWERS, async (s, req, res) => res.send(201, await q.addAction(actorOf(s), param(req, 'month'), jsonBody(req)))));

    server.get('/api/quality/actions', this.as(REVIEWERS, async (_s, req, res) => {
      res.send(200, { actions: await q.actions.list({ status: queryParam(req, 'status'), agentId: queryParam(req, 'agentId') }) });
    }));
    server.get('/api/quality/actions/mine', this.as(ANYONE, async (s, _req, res) => res.send(200, { actions: await q.actions.list({ agentId: s.user.id }) })));
    server.post('/api/quality/actions/:id/done', this.as(ANYONE, async (s, req, res) => {
      const body: unknown = req.body;
      const note = body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>).note : undefined;
      res.send(200, await q.actions.done(actorOf(s), param(req, 'id'), note));
    }));
    server.post('/api/quality/actions/:id/follow-up', this.as(REVIEWERS, async (s, req, res) => res.send(200, await q.actions.followUp(actorOf(s), param(req, 'id'), jsonBody(req)))));
  }

  /** A quality route for `roles` (401/403 by authorize()); quality errors leave as Spanish JSON. */
  private as(roles: readonly UserRole[], fn: (session: Session, req: Request, res: Response) => Promise<void>) {
    return route(async (req, res) => {
      const session = await authorize(this.deps.sessions, req, roles);
      res.setHeader('Cache-Control', 'no-store');
      try {
        await fn(session, req, res);
      } catch (err) {
        if (err instanceof QualityError) {
          const [status, code] = ERRORS[err.code];
          throw new ApiError(status, code, err.message, {}, err.problems.length > 0 ? err.problems : undefined);
        }
        throw err;
      }
    });
  }
}
