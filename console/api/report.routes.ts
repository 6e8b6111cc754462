import type { Request, Response, Server } from 'restify';
import type { SessionService, UserRole } from '../../services/auth/session.service';
import { ApiError } from '../../services/http/api-error';
import { ReportError } from '../../services/reports/indicators';
import { parseItemsQuery, parseReportFormat, type ReportService } from '../../services/reports/monthly-report';
import type { MonthlyReportScheduler } from '../../services/reports/report-scheduler';
import { authorize, route, type ConsoleRoutes } from './console-http';

/** The indicators are the coordination's: coordinators and admins. */
const READERS: readonly UserRole[] = ['coordinator', 'admin'];

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

function queryParam(req: Request, name: string): string | undefined {
  const value: unknown = (req.query as Record<string, unknown> | undefined)?.[name];
  if (Array.isArray(value)) throw new ApiError(400, 'BadArgument', `Solicitud inválida: ${name} va una sola vez.`);
  return typeof value === 'string' ? value : undefined;
}

/**
 * The indicators API of the console (coordinators and admins; 401 without a session, 403 for other roles):
 * - `GET /api/reports/monthly?month=YYYY-MM[&format=json|csv|xlsx]`: the monthly report (DESIGN.md §10) as JSON, or
 *   the «reporte general de llamadas» as CSV or XLSX (attachment);
 * - `GET /api/reports/indicators?from=&to=`: the same indicators for any range (`YYYY-MM-DD`, both days included, or
 *   ISO instants with a zone).
 * - `GET /api/reports/items?month=YYYY-MM` (or `from=&to=` as above)`&indicator=&channel=&group=&unit=&agent=&cursor=&limit=`:
 *   the drill-down of a number — a page (`limit`, default 50, at most 500) of the items its count counts
 *   (`indicator`: received, firstLevel, secondLevel, transferred, informative, outOfScope, handoffs, contained,
 *   abandoned, callback, and the outbound staff calls `outbound` (answered) and `outboundFailed` (not answered); the buckets as the report names them, «Sin grupo»/«Sin unidad» included, `agent` by e-mail):
 *   `{ items, nextCursor }`, `nextCursor` (opaque) null on the last page;
 * - `GET /api/reports/stored?month=YYYY-MM`: the stored monthly report (when and by whom it was generated, whom it was
 *   mailed to, its JSON); without `month`, the months that have one. 404 when the month has none (its message says
 *   from which day of the next month it is generated: `REPORT_DAY`);
 * - `GET /api/reports/stored/xlsx?month=YYYY-MM`: the stored XLSX, as it was mailed (attachment).
 * The JSON figures come from ReportService.recentIndicators(): computed at most once a minute per period on each
 * instance. A malformed month, range, format, indicator, filter, cursor or limit answers 400 with a Spanish message.
 */
export class ReportRoutes implements ConsoleRoutes {
  constructor(
    private readonly deps: {
      sessions: SessionService;
      reports: ReportService;
      /** The stored monthly reports; without it the `/api/reports/stored` routes are not registered. */
      stored?: Pick<MonthlyReportScheduler, 'stored' | 'storedXlsx' | 'storedMonths' | 'reportDay'>;
    },
  ) {
    if (!deps?.sessions) throw new Error('ReportRoutes: sessions are required');
    if (!deps.reports) throw new Error('ReportRoutes: reports are required');
  }

  register(server: Server): void {
    const reports = this.deps.reports;
    server.get('/api/reports/monthly', this.as(async (req, res) => {
      const format = parseReportFormat(queryParam(req, 'format'));
      const period = reports.month(queryParam(req, 'month'));
      res.setHeader('Cache-Control', 'no-store');
      if (format === 'json') {
        res.send(200, { month: period.month ?? '', ...(await reports.recentIndicators(period)) });
        return;
      }
      const body = format === 'csv' ? Buffer.from(await reports.csv(period), 'utf8') : await reports.xlsx(period);
      res.setHeader('Content-Type', format === 'csv' ? 'text/csv; charset=utf-8' : XLSX_TYPE);
      res.setHeader('Content-Disposition', `attachment; filename="${reports.fileName(period, format)}"`);
      res.setHeader('X-Content-Type-Options', 'nosniff');
      res.sendRaw(200, body);
    }));
    server.get('/api/reports/indicators', this.as(async (req, res) => {
      const period = reports.range(queryParam(req, 'from'), queryParam(req, 'to'));
      res.setHeader('Cache-Control', 'no-store');
      res.send(200, await reports.recentIndicators(period));
    }));
    server.get('/api/reports/items', this.as(async (req, res) => {
      const month = queryParam(req, 'month');
      const [from, to] = [queryParam(req, 'from'), queryParam(req, 'to')];
      if (month !== undefined && (from !== undefined || to !== undefined)) {
        throw new ApiError(400, 'BadArgument', 'Indique el mes (month) o el periodo (from y to), no ambos.');
      }
      const period = month !== undefined || (from === undefined && to === undefined) ? reports.month(month) : reports.range(from, to);
      const names = ['indicator', 'channel', 'group', 'unit', 'agent', 'cursor', 'limit'] as const;
      const { filter, after, limit } = parseItemsQuery(Object.fromEntries(names.map((n) => [n, queryParam(req, n)])));
      res.setHeader('Cache-Control', 'no-store');
      res.send(200, await reports.drill(period, filter, after, limit));
    }));
    const stored = this.deps.stored;
    if (!stored) return;
    // The console shows this message as is on «Indicadores» when the month has no stored report yet.
    const notYet = () => new ApiError(404, 'ReportNotFound', `Aún no se genera el reporte mensual de este mes (se genera el día ${stored.reportDay} del mes siguiente).`);
    server.get('/api/reports/stored', this.as(async (req, res) => {
      const month = queryParam(req, 'month');
      res.setHeader('Cache-Control', 'no-store');
      if (month === undefined) {
        res.send(200, { months: await stored.storedMonths() });
        return;
      }
      const found = await stored.stored(month);
      if (!found) throw notYet();
      res.send(200, found);
    }));
    server.get('/api/reports/stored/xlsx', this.as(async (req, res) => {
      const found = await stored.storedXlsx(queryParam(req, 'month'));
      if (!found) throw notYet();
      res.setHeader('Cache-Control', 'no-store');
      res.setHeader('Content-Type', XLSX_TYPE);
      res.setHeader('Content-Disposition', `attachment; filename="${found.fileName}"`);
      res.setHeader('X-Content-Type-Options', 'nosniff');
      res.sendRaw(200, found.xlsx);
    }));
  }

  /** A coordination route (401/403 by authorize()); report errors leave as Spanish JSON 400. */
  private as(fn: (req: Request, res: Response) => Promise<void>) {
    return route(async (req, res) => {
      await authorize(this.deps.sessions, req, READERS);
      try {
        await fn(req, res);
      } catch (err) {
        if (err instanceof ReportError) throw new ApiError(400, 'BadArgument', err.message);
        throw err;
      }
    });
  }
}
