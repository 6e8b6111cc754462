import type { Logger } from 'pino';
import { Router, type RouteDecision, type TrainingCatalog } from '../nlu/router';
import type { CatalogFile } from './catalog-format';
import { CatalogError, type CatalogService } from './catalog.service';

/** Subscribes to a PostgreSQL NOTIFY channel (Database.listen); returns the unsubscribe. */
export type Listen = (channel: string, onMessage: (payload: string) => void, onResync: () => void) => Promise<() => Promise<void>>;

/** A trained model: the real one is the NLU Router; tests may pass a simpler one. */
export interface RouteModel {
  route(text: string): RouteDecision;
}

/** What the router reads from the catalog service. */
export type CatalogReader = Pick<CatalogService, 'latestVersionNumber' | 'getVersion' | 'getDraft'>;

export interface CatalogRouterOptions {
  catalog: CatalogReader;
  logger: Logger;
  /** The channel a publish notifies (models' CATALOG_CHANNEL). */
  channel: string;
  listen?: Listen;
  /** A safety net for missed notifications: how often to compare the latest version number. */
  pollMs?: number;
  /** Trains a model; the default yields to the event loop while it trains, so requests keep flowing. */
  train?: (catalog: TrainingCatalog) => RouteModel | Promise<RouteModel>;
  /** Where decisions, the served version and training times are counted. */
  observer?: RouterObserver;
}

export interface RouterObserver {
  decided(decision: RouteDecision['decision']): void;
  loaded(version: number, trainSeconds: number): void;
}

export interface ServedDecision extends RouteDecision {
  /** The catalog version (or `draft`) that decided. Not part of the fixed decision format. */
  version: number | 'draft';
}

/** The part of a catalog the router learns from. */
export function trainingCatalog(catalog: CatalogFile): TrainingCatalog {
  return {
    language: catalog.language,
    services: catalog.services.map((s) => ({ code: s.code, name: s.name, category: s.category, scope: s.scope, examples: s.examples, active: s.active })),
    outOfScopeExamples: catalog.outOfScope.examples,
  };
}

/**
 * Serves routing decisions from the latest published catalog, and retrains when a publish is
 * notified (from any instance) or noticed by the periodic check. The old model keeps answering
 * until the new one is trained, then the swap is a single assignment: no request is dropped.
 */
export class CatalogRouter {
  private published: { version: number; router: RouteModel; catalog: CatalogFile } | undefined;
  private draft: { key: string; model: Promise<RouteModel> } | undefined;
  private refreshing: Promise<void> | undefined;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  private unlisten: (() => Promise<void>) | undefined;
  private readonly train: (catalog: TrainingCatalog) => RouteModel | Promise<RouteModel>;

  constructor(private readonly options: CatalogRouterOptions) {
    if (!options.catalog) throw new Error('CatalogRouter: catalog service is required');
    this.train = options.train ?? ((c) => Router.trainAsync(c));
  }

  /** Loads and trains the latest version, then follows publishes. */
  async start(): Promise<void> {
    await this.refresh();
    if (this.options.listen) {
      this.unlisten = await this.options.listen(this.options.channel, () => void this.refresh(), () => void this.refresh());
    }
    const pollMs = this.options.pollMs ?? 30_000;
    if (pollMs > 0) {
      this.timer = setInterval(() => void this.refresh(), pollMs);
      this.timer.unref();
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.unlisten?.();
  }

  /** The version being served, or null before anything was published. */
  get version(): number | null {
    return this.published?.version ?? null;
  }

  /** The published catalog being served (services' self-help, diagnostics, referral…). */
  get catalog(): CatalogFile | null {
    return this.published?.catalog ?? null;
  }

  /** Routes with the published catalog. */
  route(text: string): ServedDecision {
    if (!this.published) throw new CatalogError('catalog/empty', 'Aún no hay una versión publicada del catálogo.');
    const decision = this.published.router.route(text);
    this.options.observer?.decided(decision.decision);
    return { ...decision, version: this.published.version };
  }

  /** Routes with the current draft (the «Probar» panel); the draft model is trained once per draft revision. */
  async routeDraft(text: string): Promise<ServedDecision> {
    const draft = await this.options.catalog.getDraft();
    // Revision 0 is the published version shown as a draft (no draft row yet): key it by the version.
    const key = draft.revision === 0 ? `v${draft.publishedVersion ?? 0}` : `r${draft.revision}`;
    if (this.draft?.key !== key) {
      const model = Promise.resolve(this.train(trainingCatalog(draft.catalog)));
      this.draft = { key, model };
      // A failed training is not cached: the next request tries again.
      model.catch(() => {
        if (this.draft?.model === model) this.draft = undefined;
      });
    }
    return { ...(await this.draft.model).route(text), version: 'draft' };
  }

  /** Checks for a newer version and retrains; concurrent calls coalesce into one. */
  refresh(): Promise<void> {
    if (this.refreshing) {
      this.again = true;
      return this.refreshing;
    }
    this.refreshing = (async () => {
      do {
        this.again = false;
        await this.load().catch((err: unknown) => this.options.logger.error({ err }, 'catalog router: reload failed; still serving the previous version'));
      } while (this.again);
    })().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  private async load(): Promise<void> {
    const latest = await this.options.catalog.latestVersionNumber();
    if (latest === null || latest === this.published?.version) return;
    const version = await this.options.catalog.getVersion(latest);
    const started = Date.now();
    const router = await this.train(trainingCatalog(version.catalog));
    // A slower concurrent load may have installed a newer version meanwhile.
    if (this.published && this.published.version > version.version) return;
    this.published = { version: version.version, router, catalog: version.catalog };
    this.options.observer?.loaded(version.version, (Date.now() - started) / 1000);
    this.options.logger.info({ version: version.version, trainMs: Date.now() - started, services: version.catalog.services.length }, 'catálogo cargado en el enrutador');
  }
}
