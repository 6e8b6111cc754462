import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import restify, { type Request, type Response, type Server } from 'restify';
import type { Logger } from 'pino';
import { ApiError, errorBody } from '../services/http/api-error';
import type { Metrics } from '../services/observability/metrics';
import { openApiDocument } from './openapi';
import { renderWebChatPage, WEBCHAT_PAGE_CSP, type WebChatPageSettings } from './webchat-page';

/** A route group that registers itself on the server (Direct Line, Bot Framework, …). */
export interface RouteGroup {
  register(server: Server): void;
}

export interface ServerDeps {
  logger: Logger;
  metrics: Metrics;
  /** Readiness: the database answers. */
  ready: () => Promise<boolean>;
  routes: RouteGroup[];
  page: WebChatPageSettings;
  bodyLimitBytes: number;
}

const STATIC_FILES: Record<string, { file: string; type: string }> = {
  '/static/webchat.js': { file: webChatBundle(), type: 'application/javascript; charset=utf-8' },
  '/static/webchat-page.js': { file: publicFile('webchat-page.js'), type: 'application/javascript; charset=utf-8' },
  '/static/webchat-page.css': { file: publicFile('webchat-page.css'), type: 'text/css; charset=utf-8' },
};

/** The official Web Chat UMD bundle, from node_modules (its package exports do not list dist/). */
function webChatBundle(): string {
  let dir = path.dirname(require.resolve('botframework-webchat'));
  while (!fs.existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return path.join(dir, 'dist', 'webchat.js');
}

function publicFile(name: string): string {
  const candidates = [path.resolve(__dirname, '..', 'public', name), path.resolve(__dirname, '..', '..', 'public', name)];
  return candidates.find((c) => fs.existsSync(c)) ?? (candidates[0] as string);
}

/**
 * The HTTP server, not listening: `main` listens on PORT, tests on port 0.
 * Every error leaves as `{ "error": { "code", "message" } }`.
 */
export function makeServer(deps: ServerDeps): Server {
  const { logger, metrics } = deps;
  const server = restify.createServer({ name: 'ventanilla', handleUncaughtExceptions: false, ignoreTrailingSlash: true });

  // Per-request context (start time, child logger), kept off restify's own `req.log`.
  const requests = new WeakMap<Request, { startedAt: bigint; log: Logger }>();

  server.pre((req: Request, res: Response, next) => {
    const given = req.headers['x-request-id'];
    const id = typeof given === 'string' && /^[\w.-]{1,100}$/.test(given) ? given : randomUUID();
    res.setHeader('X-Request-Id', id);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'same-origin');
    requests.set(req, { startedAt: process.hrtime.bigint(), log: logger.child({ reqId: id }) });
    next();
  });
  server.use(restify.plugins.queryParser({ mapParams: false }));
  server.use(restify.plugins.bodyParser({ maxBodySize: deps.bodyLimitBytes, mapParams: false, mapFiles: false }));

  server.on('restifyError', (req: Request, res: Response, err: Error & { statusCode?: number; body?: { code?: string } }, callback: () => void) => {
    const api = toApiError(err);
    for (const [k, v] of Object.entries(api.headers)) res.setHeader(k, v);
    err.statusCode = api.status;
    const body = api.toJSON();
    Object.assign(err, { toJSON: () => body });
    if (api.status >= 500) {
      metrics.errors.inc({ kind: 'http' });
      (requests.get(req)?.log ?? logger).error({ err }, 'request failed');
    }
    callback();
  });

  server.on('after', (req: Request, res: Response) => {
    const route = req.getRoute?.()?.path?.toString() ?? 'unmatched';
    const ctx = requests.get(req);
    const seconds = ctx ? Number(process.hrtime.bigint() - ctx.startedAt) / 1e9 : 0;
    metrics.httpRequests.inc({ method: req.method ?? 'GET', route, status: String(res.statusCode) });
    metrics.httpDuration.observe({ method: req.method ?? 'GET', route }, seconds);
    ctx?.log.debug({ method: req.method, url: req.url, status: res.statusCode, ms: Math.round(seconds * 1000) }, 'request');
  });

  server.get('/health', async (_req: Request, res: Response) => {
    res.send(200, { status: 'ok' });
  });
  server.get('/ready', async (_req: Request, res: Response) => {
    const ok = await deps.ready();
    res.send(ok ? 200 : 503, ok ? { status: 'ready' } : errorBody('NotReady', 'La base de datos no responde.'));
  });
  server.get('/metrics', async (_req: Request, res: Response) => {
    const body = await metrics.registry.metrics();
    res.setHeader('Content-Type', metrics.registry.contentType);
    res.sendRaw(200, body);
  });
  server.get('/api/openapi.json', async (_req: Request, res: Response) => {
    res.send(200, openApiDocument());
  });

  const page = renderWebChatPage(deps.page);
  server.get('/', async (_req: Request, res: Response) => {
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.setHeader('Content-Security-Policy', WEBCHAT_PAGE_CSP);
    res.setHeader('Cache-Control', 'no-store');
    res.sendRaw(200, page);
  });
  for (const [route, { file, type }] of Object.entries(STATIC_FILES)) {
    server.get(route, (_req: Request, res: Response, next) => {
      res.setHeader('Content-Type', type);
      res.setHeader('Cache-Control', 'public, max-age=3600');
      res.writeHead(200);
      const stream = fs.createReadStream(file);
      stream.on('error', (err) => {
        logger.error({ err, file }, 'static file unreadable');
        res.end();
      });
      stream.pipe(res);
      stream.on('end', () => next());
    });
  }

  for (const group of deps.routes) group.register(server);
  return server;
}

function toApiError(err: Error & { statusCode?: number; body?: { code?: string }; name: string }): ApiError {
  if (err instanceof ApiError) return err;
  const status = err.statusCode ?? 500;
  switch (err.name) {
    case 'ResourceNotFoundError':
      return new ApiError(404, 'NotFound', 'La ruta solicitada no existe.');
    case 'MethodNotAllowedError':
      return new ApiError(405, 'MethodNotAllowed', 'Método no permitido para esta ruta.');
    case 'PayloadTooLargeError':
    case 'RequestEntityTooLargeError':
      return new ApiError(413, 'PayloadTooLarge', 'El cuerpo de la solicitud es demasiado grande.');
    case 'InvalidContentError':
    case 'BadRequestError':
      return new ApiError(400, 'BadArgument', 'El cuerpo de la solicitud no es JSON válido.');
    case 'UnsupportedMediaTypeError':
      return new ApiError(415, 'UnsupportedMediaType', 'Tipo de contenido no admitido; use application/json.');
    default:
      if (status >= 400 && status < 500) return new ApiError(status, err.body?.code ?? 'BadRequest', err.message || 'Solicitud inválida.');
      return new ApiError(500, 'InternalError', 'Ocurrió un error interno; ya quedó registrado.');
  }
}
