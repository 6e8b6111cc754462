import type { Request, Response, Server } from 'restify';
import { z } from 'zod';
import type { SessionService, UserRole } from '../../services/auth/session.service';
import type { CatalogRouter } from '../../services/catalog/catalog-router';
import type { CatalogService, DraftView, VersionRef, VersionView } from '../../services/catalog/catalog.service';
import { ApiError } from '../../services/http/api-error';
import { authorize, jsonBody, route, type ConsoleRoutes } from './console-http';

const EDITORS: readonly UserRole[] = ['coordinator', 'admin'];
const MAX_ROUTE_TEXT = 2000;

const routeSchema = z.object({ text: z.string().max(MAX_ROUTE_TEXT), target: z.enum(['published', 'draft']).optional() });
const noteSchema = z.object({ note: z.string().max(500).optional() });
const rollbackSchema = z.object({ version: z.number().int().positive(), note: z.string().max(500).optional() });

function versionRef(value: unknown, name: string): VersionRef {
  if (value === 'draft') return 'draft';
  const n = typeof value === 'string' && /^\d{1,9}$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < 1) throw new ApiError(400, 'BadArgument', `El parámetro ${name} debe ser un número de versión o «draft».`);
  return n;
}

function draftJson(d: DraftView) {
  return { catalog: d.catalog, basedOnVersion: d.basedOnVersion, revision: d.revision, updatedAt: d.updatedAt, updatedBy: d.updatedBy, changed: d.changed, publishedVersion: d.publishedVersion };
}

function versionInfo(v: VersionView) {
  return { version: v.version, publishedAt: v.publishedAt, publishedBy: v.publishedBy, note: v.note, source: v.source, summary: v.summary };
}

/** The coordinators' catalog API: draft editing, publish, history, rollback, import/export, routing. */
export class CatalogRoutes implements ConsoleRoutes {
  constructor(private readonly deps: { sessions: SessionService; catalog: CatalogService; router: CatalogRouter }) {
    if (!deps.catalog) throw new Error('CatalogRoutes: catalog service is required');
    if (!deps.router) throw new Error('CatalogRoutes: router is required');
  }

  register(server: Server): void {
    const p = '/api/catalog';
    server.get(`${p}/draft`, this.editor(async (_req, res) => res.send(200, draftJson(await this.deps.catalog.getDraft()))));
    server.put(`${p}/draft`, this.editor(async (req, res, actor) => res.send(200, draftJson(await this.deps.catalog.replaceDraft(jsonBody(req), actor)))));
    server.put(`${p}/draft/settings`, this.editor(async (req, res, actor) => res.send(200, draftJson(await this.deps.catalog.updateSettings(jsonBody(req), actor)))));
    server.post(`${p}/draft/services`, this.editor(async (req, res, actor) => res.send(201, draftJson(await this.deps.catalog.createService(jsonBody(req), actor)))));
    server.put(`${p}/draft/services/:code`, this.editor(async (req, res, actor) => res.send(200, draftJson(await this.deps.catalog.upsertService(codeParam(req), jsonBody(req), actor)))));
    server.del(`${p}/draft/services/:code`, this.editor(async (req, res, actor) => res.send(200, draftJson(await this.deps.catalog.deleteService(codeParam(req), actor)))));
    server.post(`${p}/draft/discard`, this.editor(async (_req, res, actor) => res.send(200, draftJson(await this.deps.catalog.discardDraft(actor)))));
    server.post(`${p}/publish`, this.editor(async (req, res, actor) => {
      const body = noteSchema.safeParse(req.body ?? {});
      if (!body.success) throw new ApiError(400, 'BadArgument', 'La nota debe ser texto de hasta 500 caracteres.');
      const published = await this.deps.catalog.publish(actor, body.data.note);
      await this.deps.router.refresh();
      res.send(201, versionInfo(published));
    }));
    server.get(`${p}/versions`, this.editor(async (_req, res) => {
      const versions = await this.deps.catalog.listVersions();
      res.send(200, { versions: versions.map(({ contentHash: _h, ...v }) => v) });
    }));
    server.get(`${p}/versions/:version`, this.editor(async (req, res) => {
      const ref = versionRef(req.params?.version, 'version');
      if (ref === 'draft') throw new ApiError(400, 'BadArgument', 'Use /api/catalog/draft para el borrador.');
      const v = await this.deps.catalog.getVersion(ref);
      res.send(200, { ...versionInfo(v), catalog: v.catalog });
    }));
    server.get(`${p}/diff`, this.editor(async (req, res) => {
      const query = (req.query ?? {}) as Record<string, unknown>;
      const from = versionRef(query.from, 'from');
      const to = versionRef(query.to, 'to');
      res.send(200, { from, to, ...(await this.deps.catalog.diff(from, to)) });
    }));
    server.post(`${p}/rollback`, this.editor(async (req, res, actor) => {
      const body = rollbackSchema.safeParse(jsonBody(req));
      if (!body.success) throw new ApiError(400, 'BadArgument', 'Indique la versión a restaurar: {"version": N}.');
      const published = await this.deps.catalog.rollback(body.data.version, actor, body.data.note);
      await this.deps.router.refresh();
      res.send(201, versionInfo(published));
    }));
    server.post(`${p}/import`, this.editor(async (req, res, actor) => {
      const query = (req.query ?? {}) as Record<string, unknown>;
      const draft = query.draft === 'true' || query.draft === '1';
      if (query.dryRun === 'true' || query.dryRun === '1') {
        res.send(200, { valid: true, ...(await this.deps.catalog.validateImport(jsonBody(req), { draft })) });
        return;
      }
      const result = await this.deps.catalog.importCatalog(jsonBody(req), { draft, actor });
      if ('revision' in result) {
        res.send(200, draftJson(result));
        return;
      }
      await this.deps.router.refresh();
      res.send(201, versionInfo(result));
    }));
    server.get(`${p}/export`, this.editor(async (req, res) => {
      const query = (req.query ?? {}) as Record<string, unknown>;
      const ref = query.version === undefined ? undefined : versionRef(query.version, 'version');
      const { catalog, version } = await this.deps.catalog.exportCatalog(ref);
      res.setHeader('Content-Disposition', `attachment; filename="catalogo-${version === 'draft' ? 'borrador' : `v${version}`}.json"`);
      res.setHeader('Cache-Control', 'no-store');
      res.send(200, catalog);
    }));
    server.post(`${p}/route`, this.editor(async (req, res) => {
      const body = routeSchema.safeParse(jsonBody(req));
      if (!body.success) throw new ApiError(400, 'BadArgument', `El cuerpo debe ser {"text": "…"} (hasta ${MAX_ROUTE_TEXT} caracteres) y, opcionalmente, "target": "published" | "draft".`);
      const served = body.data.target === 'draft' ? await this.deps.router.routeDraft(body.data.text) : this.deps.router.route(body.data.text);
      const { version, ...decision } = served;
      res.setHeader('X-Catalog-Version', String(version));
      res.send(200, decision);
    }));
  }

  /** A route for coordinators and admins; the handler gets the actor's e-mail for the audit log. */
  private editor(fn: (req: Request, res: Response, actor: string) => Promise<void>) {
    return route(async (req, res) => {
      const session = await authorize(this.deps.sessions, req, EDITORS);
      await fn(req, res, session.user.email);
    });
  }
}

function codeParam(req: Request): string {
  const code = req.params?.code;
  if (typeof code !== 'string' || code === '' || code.length > 60) throw new ApiError(400, 'BadArgument', 'Falta el código del servicio en la ruta.');
  return code;
}
