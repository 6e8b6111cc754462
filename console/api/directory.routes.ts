import type { Request, Response, Server } from 'restify';
import { z } from 'zod';
import type { Session, SessionService, UserRole } from '../../services/auth/session.service';
import { lookupOutcome } from '../../services/directory/directory-index';
import { DIRECTORY_KINDS, DirectoryError, type DirectoryEntry, type DirectoryMatch } from '../../services/directory/directory-types';
import type { DirectoryService } from '../../services/directory/directory.service';
import { ApiError } from '../../services/http/api-error';
import { authorize, jsonBody, route, type ConsoleRoutes } from './console-http';

/** Everyone at the desk reads the directory (agents give extensions on chat); coordination edits it. */
const READERS: readonly UserRole[] = ['agent', 'coordinator', 'admin'];
const EDITORS: readonly UserRole[] = ['coordinator', 'admin'];
/** A CSV file of a few thousand entries is well under this; the server's body limit applies first. */
const MAX_CSV_CHARS = 2_000_000;

const ERRORS: Record<DirectoryError['code'], [number, string]> = {
  'directory/not_found': [404, 'DirectoryEntryNotFound'],
  'directory/invalid_input': [400, 'BadArgument'],
  'directory/duplicate_extension': [409, 'DuplicateExtension'],
  'directory/duplicate_name': [409, 'DuplicateName'],
  'directory/invalid_csv': [400, 'InvalidDirectoryCsv'],
};

const flag = z.preprocess((v) => (v === 'true' || v === '1' ? true : v === 'false' || v === '0' ? false : v), z.boolean({ error: 'Use true o false.' }));

const listQuery = z.object({
  q: z.string().max(200, { error: 'La búsqueda admite hasta 200 caracteres.' }).optional(),
  kind: z.enum(DIRECTORY_KINDS, { error: 'El tipo es person o area.' }).optional(),
  includeInactive: flag.optional(),
});
const lookupQuery = z.object({
  q: z.string({ error: 'Falta el texto a buscar (q).' }).trim().min(1, { error: 'Falta el texto a buscar (q).' }).max(500, { error: 'La búsqueda admite hasta 500 caracteres.' }),
  limit: z.coerce.number({ error: 'Debe ser un número.' }).int().min(1).max(20, { error: 'Como máximo 20.' }).optional(),
});
const importQuery = z.object({ replace: flag.optional(), dryRun: flag.optional() });
const importBody = z.strictObject({
  csv: z.string({ error: 'Falta el contenido del archivo (csv).' }).max(MAX_CSV_CHARS, { error: 'El archivo es demasiado grande.' }),
  replace: z.boolean().optional(),
  dryRun: z.boolean().optional(),
});

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const details = result.error.issues.map((i) => ({ path: i.path.map(String).join('.') || '(raíz)', message: i.message }));
  throw new ApiError(400, 'BadArgument', `${what}: ${details.map((d) => `${d.path}: ${d.message}`).join('; ')}`, {}, details);
}

/** What the console and the API show of an entry (the PIN itself never leaves the service). */
export function entryJson(e: DirectoryEntry) {
  return {
    id: e.id,
    kind: e.kind,
    name: e.name,
    title: e.title,
    gender: e.gender,
    area: e.area,
    position: e.position,
    aliases: e.aliases,
    extension: e.extension,
    phone: e.phone,
    email: e.email,
    availability: e.availability,
    availabilityNote: e.availabilityNote,
    route: e.route,
    outboundAllowed: e.outboundAllowed,
    hasPin: e.hasPin,
    active: e.active,
    updatedAt: e.updatedAt,
  };
}

function matchJson(m: DirectoryMatch, spoken: string) {
  return { entry: entryJson(m.entry), score: m.score, matchedOn: m.matchedOn, spokenName: spoken };
}

function idParam(req: Request): string {
  const id = req.params?.id;
  // Anything that cannot be an id is simply not found.
  if (typeof id !== 'string' || !/^[0-9a-f-]{36}$/i.test(id)) throw new ApiError(404, 'DirectoryEntryNotFound', 'Esa entrada no existe en el directorio.');
  return id;
}

/** The CSV of an import: a text body (`text/csv` or `text/plain`), or JSON `{ csv, replace?, dryRun? }`. */
function csvOf(req: Request): { csv: string; replace?: boolean; dryRun?: boolean } {
  if (typeof req.body === 'string') return { csv: req.body };
  if (Buffer.isBuffer(req.body)) return { csv: req.body.toString('utf8') };
  return parse(importBody, jsonBody(req), 'Importación inválida');
}

const IMPORT_PATH = '/api/directory/import';

/**
 * restify's body parser reads `text/csv` into rows with its own CSV parser (and a malformed file becomes a 500); the
 * import reads the text itself and names the line of each problem, so its CSV body is taken as plain text.
 */
function csvAsText(req: Request, _res: Response, next: () => void): void {
  const type = req.headers['content-type'];
  if (req.method === 'POST' && typeof type === 'string' && /^text\/csv\b/i.test(type) && (req.url ?? '').split('?')[0]?.replace(/\/+$/, '') === IMPORT_PATH) {
    req.headers['content-type'] = type.replace(/^text\/csv/i, 'text/plain');
  }
  next();
}

/**
 * The switchboard directory API of the console:
 * - `GET /api/directory?q=&kind=&includeInactive=`, `GET /api/directory/:id`, `GET /api/directory/lookup?q=&limit=`
 *   (agents, coordinators, admins);
 * - `POST /api/directory`, `PUT /api/directory/:id` (partial), `DELETE /api/directory/:id` (deactivates),
 *   `POST /api/directory/import?replace=&dryRun=` (CSV body), `GET /api/directory/export` (coordinators, admins).
 * Every change is audited with the console user's e-mail.
 */
export class DirectoryRoutes implements ConsoleRoutes {
  constructor(private readonly deps: { sessions: SessionService; directory: DirectoryService }) {
    if (!deps?.sessions) throw new Error('DirectoryRoutes: sessions are required');
    if (!deps.directory) throw new Error('DirectoryRoutes: directory service is required');
  }

  register(server: Server): void {
    const p = '/api/directory';
    const d = this.deps.directory;
    server.pre(csvAsText);
    server.get(`${p}/lookup`, this.as(READERS, async (req, res) => {
      const q = parse(lookupQuery, req.query ?? {}, 'Consulta inválida');
      const matches = await d.lookup(q.q, { limit: q.limit ?? 5 });
      const outcome = lookupOutcome(matches);
      res.setHeader('Cache-Control', 'no-store');
      res.send(200, {
        query: q.q,
        outcome: outcome.kind,
        matches: matches.map((m) => matchJson(m, d.spokenName(m.entry))),
      });
    }));
    server.get(`${p}/export`, this.as(EDITORS, async (_req, res) => {
      const csv = await d.exportCsv();
      res.setHeader('Content-Type', 'text/csv; charset=utf-8');
      res.setHeader('Content-Disposition', 'attachment; filename="directorio.csv"');
      res.setHeader('Cache-Control', 'no-store');
      res.sendRaw(200, `\uFEFF${csv}`);
    }));
    server.post(IMPORT_PATH, this.as(EDITORS, async (req, res, session) => {
      const query = parse(importQuery, req.query ?? {}, 'Consulta inválida');
      const body = csvOf(req);
      const options = { replace: query.replace ?? body.replace ?? false, dryRun: query.dryRun ?? body.dryRun ?? false };
      const result = await d.importCsv(session.user.email, body.csv, options);
      if (result.errors.length > 0) {
        throw new ApiError(
          400,
          'InvalidDirectoryCsv',
          `El archivo tiene ${result.errors.length === 1 ? 'un error' : `${result.errors.length} errores`}; no se cambió nada.`,
          {},
          result.errors.map((e) => ({ path: `línea ${e.line}`, message: e.message })),
        );
      }
      res.send(200, { ...result, ...options });
    }));
    server.get(p, this.as(READERS, async (req, res) => {
      const q = parse(listQuery, req.query ?? {}, 'Consulta inválida');
      const entries = await d.list({ ...(q.q ? { q: q.q } : {}), ...(q.kind ? { kind: q.kind } : {}), includeInactive: q.includeInactive ?? false });
      res.setHeader('Cache-Control', 'no-store');
      res.send(200, { entries: entries.map(entryJson) });
    }));
    server.post(p, this.as(EDITORS, async (req, res, session) => {
      res.send(201, { entry: entryJson(await d.create(session.user.email, jsonBody(req))) });
    }));
    server.get(`${p}/:id`, this.as(READERS, async (req, res) => {
      const entry = await d.get(idParam(req));
      if (!entry) throw new ApiError(404, 'DirectoryEntryNotFound', 'Esa entrada no existe en el directorio.');
      res.setHeader('Cache-Control', 'no-store');
      res.send(200, { entry: entryJson(entry), spokenName: d.spokenName(entry) });
    }));
    server.put(`${p}/:id`, this.as(EDITORS, async (req, res, session) => {
      res.send(200, { entry: entryJson(await d.update(session.user.email, idParam(req), jsonBody(req))) });
    }));
    server.del(`${p}/:id`, this.as(EDITORS, async (req, res, session) => {
      res.send(200, { entry: entryJson(await d.remove(session.user.email, idParam(req))) });
    }));
  }

  /** A route for `roles` (401/403/CSRF by authorize()); directory errors leave as Spanish JSON 4xx. */
  private as(roles: readonly UserRole[], fn: (req: Request, res: Response, session: Session) => Promise<void>) {
    return route(async (req, res) => {
      const session = await authorize(this.deps.sessions, req, roles);
      try {
        await fn(req, res, session);
      } catch (err) {
        if (err instanceof DirectoryError) {
          const [status, code] = ERRORS[err.code];
          throw new ApiError(status, code, err.message, {}, err.problems.length > 0 ? err.problems : undefined);
        }
        throw err;
      }
    });
  }
}
