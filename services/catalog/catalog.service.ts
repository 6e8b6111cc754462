import { createHash } from 'node:crypto';
import type { AuditEntry, CatalogDraftRow, CatalogRepository, CatalogSource, CatalogVersionInfo, CatalogVersionRow } from '../../models';
import { diffCatalogs, summarize, type CatalogDiff } from './catalog-diff';
import {
  canonicalJson,
  CatalogValidationError,
  parseCatalog,
  parseService,
  publishProblems,
  type CatalogFile,
  type CatalogServiceDef,
  catalogSchema,
} from './catalog-format';

export type CatalogErrorCode =
  | 'catalog/empty'
  | 'catalog/service_not_found'
  | 'catalog/duplicate_code'
  | 'catalog/nothing_to_publish'
  | 'catalog/version_not_found';

/** A catalog operation refused for a domain reason; `message` is Spanish, for the person. */
export class CatalogError extends Error {
  constructor(
    readonly code: CatalogErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface DraftView {
  catalog: CatalogFile;
  basedOnVersion: number | null;
  revision: number;
  updatedAt: Date | null;
  updatedBy: string | null;
  /** The draft differs from the latest published version. */
  changed: boolean;
  publishedVersion: number | null;
}

export interface VersionView extends Omit<CatalogVersionInfo, 'contentHash'> {
  catalog: CatalogFile;
}

export type VersionRef = number | 'draft';

export function contentHash(catalog: CatalogFile): string {
  return createHash('sha256').update(canonicalJson(catalog)).digest('hex');
}

/** Stored catalogs were validated on the way in; parsing again keeps types honest without trusting casts. */
function stored(json: Record<string, unknown>): CatalogFile {
  return catalogSchema.parse(json);
}

/**
 * The service catalog: a working draft that coordinators edit, immutable published versions,
 * history with diffs, rollback, import and export. Every change is audited in the same transaction.
 */
export class CatalogService {
  constructor(private readonly repo: CatalogRepository) {
    if (!repo) throw new Error('CatalogService: repository is required');
  }

  async getDraft(): Promise<DraftView> {
    const [draft, latest] = await Promise.all([this.repo.getDraft(), this.repo.latest()]);
    if (!draft) {
      if (!latest) throw new CatalogError('catalog/empty', 'Aún no hay catálogo: importe uno para empezar.');
      return this.view({ catalog: latest.catalog, basedOnVersion: latest.version, revision: 0, updatedAt: latest.publishedAt, updatedBy: latest.publishedBy }, latest);
    }
    return this.view(draft, latest);
  }

  /** Replaces the whole draft with a validated catalog. */
  async replaceDraft(input: unknown, actor: string, action = 'catalog.draft.replace'): Promise<DraftView> {
    const catalog = parseCatalog(input);
    return this.changeDraft(actor, (current) => {
      const summary = summarize(diffCatalogs(current, catalog));
      return { catalog, audit: { actor, action, target: 'draft', details: { ...summary } } };
    });
  }

  /** Adds a new service to the draft; refuses a code that already exists (two coordinators creating the same one). */
  async createService(input: unknown, actor: string): Promise<DraftView> {
    const service = parseService(input);
    return this.changeDraft(actor, (current) => {
      if (current.services.some((s) => s.code === service.code)) {
        throw new CatalogError('catalog/duplicate_code', `Ya existe un servicio con el código ${service.code}.`);
      }
      return { catalog: { ...current, services: [...current.services, service] }, audit: { actor, action: 'catalog.service.create', target: service.code } };
    });
  }

  /**
   * Checks a catalog file without storing anything: the problems it would be refused for, or what it
   * would change against the latest published version.
   */
  async validateImport(input: unknown, options: { draft: boolean }): Promise<{ services: number; active: number; diff: CatalogDiff }> {
    const catalog = parseCatalog(input);
    if (!options.draft) {
      const problems = publishProblems(catalog);
      if (problems.length > 0) throw new CatalogValidationError(problems);
    }
    const latest = await this.repo.latest();
    return { services: catalog.services.length, active: catalog.services.filter((s) => s.active).length, diff: diffCatalogs(latest ? stored(latest.catalog) : null, catalog) };
  }

  /** Creates or edits one service of the draft; a different `code` in the body renames it. */
  async upsertService(code: string, input: unknown, actor: string): Promise<DraftView> {
    const service = parseService(input);
    return this.changeDraft(actor, (current) => {
      const services = [...current.services];
      const index = services.findIndex((s) => s.code === code);
      if (service.code !== code && services.some((s) => s.code === service.code)) {
        throw new CatalogError('catalog/duplicate_code', `Ya existe un servicio con el código ${service.code}.`);
      }
      let action: string;
      if (index >= 0) {
        services[index] = service;
        action = service.code === code ? 'catalog.service.update' : 'catalog.service.rename';
      } else {
        services.push(service);
        action = 'catalog.service.create';
      }
      const before = index >= 0 ? current.services[index] : undefined;
      const fields = before ? changedFields(before, service) : [];
      return {
        catalog: { ...current, services },
        audit: { actor, action, target: service.code, details: { ...(action === 'catalog.service.rename' ? { from: code } : {}), fields } },
      };
    });
  }

  async deleteService(code: string, actor: string): Promise<DraftView> {
    return this.changeDraft(actor, (current) => {
      if (!current.services.some((s) => s.code === code)) throw notFound(code);
      return { catalog: { ...current, services: current.services.filter((s) => s.code !== code) }, audit: { actor, action: 'catalog.service.delete', target: code } };
    });
  }

  /** Changes the catalog-wide settings: language, referral, out-of-scope examples. */
  async updateSettings(input: unknown, actor: string): Promise<DraftView> {
    if (!input || typeof input !== 'object' || Array.isArray(input)) {
      throw new CatalogValidationError([{ path: '', message: 'se esperaba un objeto', messageEn: 'an object was expected' }]);
    }
    const allowed = new Set(['language', 'referral', 'outOfScope']);
    const unknown = Object.keys(input).filter((k) => !allowed.has(k));
    if (unknown.length > 0) throw new CatalogValidationError(unknown.map((k) => ({ path: k, message: 'campo desconocido', messageEn: 'unknown field' })));
    return this.changeDraft(actor, (current) => {
      const next = parseCatalog({ ...current, ...input });
      const changed = diffCatalogs(current, next).settingsChanged;
      return { catalog: next, audit: { actor, action: 'catalog.settings.update', target: 'draft', details: { changed } } };
    });
  }

  /** Puts the draft back to the latest published version. */
  async discardDraft(actor: string): Promise<DraftView> {
    const latest = await this.repo.latest();
    if (!latest) throw new CatalogError('catalog/empty', 'No hay versión publicada a la cual regresar.');
    const row = await this.repo.updateDraft(
      () => ({ catalog: latest.catalog, basedOnVersion: latest.version, audit: { actor, action: 'catalog.draft.discard', target: 'draft', details: { version: latest.version } } }),
      actor,
    );
    return row ? this.view(row, latest) : this.getDraft();
  }

  /** Publishes the draft as a new immutable version. */
  async publish(actor: string, note?: string | null): Promise<VersionView> {
    const row = await this.repo.publish(
      (latest, draft) => {
        if (!draft) throw new CatalogError('catalog/nothing_to_publish', 'No hay borrador que publicar.');
        const catalog = stored(draft.catalog);
        const problems = publishProblems(catalog);
        if (problems.length > 0) throw new CatalogValidationError(problems);
        const hash = contentHash(catalog);
        if (latest && latest.contentHash === hash) throw new CatalogError('catalog/nothing_to_publish', 'El borrador es igual a la versión publicada; no hay cambios que publicar.');
        return this.versionOf(catalog, hash, latest, 'publish', note, { actor, action: 'catalog.publish', target: 'catalog' });
      },
      actor,
      { resetDraft: true },
    );
    return toView(row);
  }

  /** Validates a catalog file and publishes it, or with `draft` only stages it. Nothing is half-imported. */
  async importCatalog(input: unknown, options: { draft: boolean; actor: string; note?: string | null }): Promise<DraftView | VersionView> {
    const catalog = parseCatalog(input);
    if (options.draft) return this.replaceDraft(catalog, options.actor, 'catalog.import.draft');
    const problems = publishProblems(catalog);
    if (problems.length > 0) throw new CatalogValidationError(problems);
    const hash = contentHash(catalog);
    const row = await this.repo.publish(
      (latest) => this.versionOf(catalog, hash, latest, 'import', options.note, { actor: options.actor, action: 'catalog.import', target: 'catalog' }),
      options.actor,
      { resetDraft: true },
    );
    return toView(row);
  }

  /** Publishes a copy of an earlier version as the newest one. */
  async rollback(version: number, actor: string, note?: string | null): Promise<VersionView> {
    const target = await this.repo.getVersion(version);
    if (!target) throw versionNotFound(version);
    const catalog = stored(target.catalog);
    const row = await this.repo.publish(
      (latest) => this.versionOf(catalog, target.contentHash, latest, 'rollback', note ?? `Restauración de la versión ${version}`, { actor, action: 'catalog.rollback', target: 'catalog', details: { from: version } }),
      actor,
      { resetDraft: true },
    );
    return toView(row);
  }

  /** Loads the shipped catalog when nothing was ever published (first start). Returns the version, or null when one existed. */
  async ensureDefault(catalogFile: unknown): Promise<number | null> {
    if ((await this.repo.latestVersionNumber()) !== null) return null;
    const catalog = parseCatalog(catalogFile);
    const hash = contentHash(catalog);
    try {
      const row = await this.repo.publish(
        (latest) => {
          // Another instance seeded it first.
          if (latest) throw new AlreadySeeded();
          return this.versionOf(catalog, hash, null, 'default', 'Catálogo inicial de Ventanilla', { actor: 'system', action: 'catalog.default', target: 'catalog' });
        },
        'system',
        { resetDraft: true },
      );
      return row.version;
    } catch (err) {
      if (err instanceof AlreadySeeded) return null;
      throw err;
    }
  }

  listVersions(): Promise<CatalogVersionInfo[]> {
    return this.repo.listVersions();
  }

  async getVersion(version: number): Promise<VersionView> {
    const row = await this.repo.getVersion(version);
    if (!row) throw versionNotFound(version);
    return toView(row);
  }

  /** The newest published version, or null before the first publish. */
  async latestPublished(): Promise<VersionView | null> {
    const row = await this.repo.latest();
    return row ? toView(row) : null;
  }

  latestVersionNumber(): Promise<number | null> {
    return this.repo.latestVersionNumber();
  }

  /** The catalog file of a version, of the draft, or (by default) of the latest published version. */
  async exportCatalog(ref?: VersionRef): Promise<{ catalog: CatalogFile; version: VersionRef }> {
    if (ref === 'draft') return { catalog: (await this.getDraft()).catalog, version: 'draft' };
    if (ref !== undefined) return { catalog: (await this.getVersion(ref)).catalog, version: ref };
    const latest = await this.latestPublished();
    if (!latest) throw new CatalogError('catalog/empty', 'Aún no hay una versión publicada.');
    return { catalog: latest.catalog, version: latest.version };
  }

  async diff(from: VersionRef, to: VersionRef): Promise<CatalogDiff> {
    const [a, b] = await Promise.all([this.exportCatalog(from), this.exportCatalog(to)]);
    return diffCatalogs(a.catalog, b.catalog);
  }

  private async changeDraft(actor: string, change: (current: CatalogFile) => { catalog: CatalogFile; audit: AuditEntry }): Promise<DraftView> {
    const latest = await this.repo.latest();
    const updated = await this.repo.updateDraft((row) => {
      const base = row ? stored(row.catalog) : latest ? stored(latest.catalog) : null;
      if (!base) throw new CatalogError('catalog/empty', 'Aún no hay catálogo: importe uno para empezar.');
      const next = change(base);
      return { catalog: next.catalog, basedOnVersion: row ? row.basedOnVersion : (latest?.version ?? null), audit: next.audit };
    }, actor);
    // Compared with the version read before the edit; a publish that races the edit shows on the next read.
    return updated ? this.view(updated, latest) : this.getDraft();
  }

  private versionOf(catalog: CatalogFile, hash: string, latest: CatalogVersionRow | null, source: CatalogSource, note: string | null | undefined, audit: AuditEntry) {
    const summary = summarize(diffCatalogs(latest ? stored(latest.catalog) : null, catalog));
    return { catalog, contentHash: hash, source, note: note?.trim() || null, summary, audit: { ...audit, details: { ...audit.details, ...summary, note: note ?? null } } };
  }

  private view(draft: Omit<CatalogDraftRow, 'updatedAt' | 'updatedBy'> & { updatedAt: Date | null; updatedBy: string | null }, latest: CatalogVersionRow | null): DraftView {
    const catalog = stored(draft.catalog);
    return {
      catalog,
      basedOnVersion: draft.basedOnVersion,
      revision: draft.revision,
      updatedAt: draft.updatedAt,
      updatedBy: draft.updatedBy,
      changed: !latest || latest.contentHash !== contentHash(catalog),
      publishedVersion: latest?.version ?? null,
    };
  }
}

class AlreadySeeded extends Error {}

function toView(row: CatalogVersionRow): VersionView {
  const { contentHash: _hash, catalog, ...info } = row;
  return { ...info, catalog: stored(catalog) };
}

function changedFields(a: CatalogServiceDef, b: CatalogServiceDef): string[] {
  return (Object.keys(b) as (keyof CatalogServiceDef)[]).filter((k) => canonicalJson(a[k]) !== canonicalJson(b[k]));
}

function notFound(code: string): CatalogError {
  return new CatalogError('catalog/service_not_found', `No existe el servicio ${code} en el borrador.`);
}

function versionNotFound(version: number): CatalogError {
  return new CatalogError('catalog/version_not_found', `No existe la versión ${version} del catálogo.`);
}
