import pino from 'pino';
import { CatalogRouter, type CatalogReader } from '../../services/catalog/catalog-router';
import type { DraftView, VersionView } from '../../services/catalog/catalog.service';
import type { RouteModel } from '../../services/catalog/catalog-router';
import type { TrainingCatalog } from '../../services/nlu/router';
import { smallCatalog } from '../support/catalog-fixture';

/** A fake model that answers with the first service code of the catalog it was trained on. */
function fakeTrain(trained: TrainingCatalog[]) {
  return (c: TrainingCatalog): RouteModel => {
    trained.push(c);
    const code = c.services[0]?.code ?? null;
    return { route: (text: string) => ({ text, decision: 'service', code, confidence: 1, alternatives: [] }) };
  };
}

function version(n: number, firstCode: string): VersionView {
  const catalog = smallCatalog();
  catalog.services[0] = { ...catalog.services[0]!, code: firstCode };
  return { version: n, catalog, source: 'publish', note: null, summary: { added: 0, removed: 0, changed: 0 }, publishedBy: 'x', publishedAt: new Date() };
}

class FakeCatalog implements CatalogReader {
  versions: VersionView[] = [version(1, 'V-UNO')];
  failNext = false;
  reads = 0;
  async latestVersionNumber(): Promise<number | null> {
    return this.versions.at(-1)?.version ?? null;
  }
  async getVersion(n: number): Promise<VersionView> {
    this.reads++;
    if (this.failNext) {
      this.failNext = false;
      throw new Error('database down');
    }
    const v = this.versions.find((x) => x.version === n);
    if (!v) throw new Error('missing');
    return v;
  }
  async getDraft(): Promise<DraftView> {
    const v = this.versions.at(-1)!;
    return { catalog: v.catalog, basedOnVersion: v.version, revision: 7, updatedAt: null, updatedBy: null, changed: false, publishedVersion: v.version };
  }
}

describe('CatalogRouter', () => {
  const logger = pino({ level: 'silent' });

  it('serves the latest version and retrains when a publish is notified', async () => {
    const trained: TrainingCatalog[] = [];
    const catalog = new FakeCatalog();
    let notify: (payload: string) => void = () => undefined;
    const router = new CatalogRouter({ catalog, logger, channel: 'c', pollMs: 0, train: fakeTrain(trained), listen: async (_c, onMessage) => ((notify = onMessage), async () => undefined) });
    await router.start();
    expect(router.route('hola')).toMatchObject({ code: 'V-UNO', version: 1 });
    catalog.versions.push(version(2, 'V-DOS'));
    notify('2');
    await router.refresh();
    expect(router.route('hola')).toMatchObject({ code: 'V-DOS', version: 2 });
    expect(trained).toHaveLength(2);
    await router.stop();
  });

  it('keeps serving the previous version when a reload fails, and coalesces concurrent refreshes', async () => {
    const trained: TrainingCatalog[] = [];
    const catalog = new FakeCatalog();
    const router = new CatalogRouter({ catalog, logger, channel: 'c', pollMs: 0, train: fakeTrain(trained) });
    await router.start();
    catalog.versions.push(version(2, 'V-DOS'));
    catalog.failNext = true;
    await router.refresh();
    expect(router.route('x')).toMatchObject({ code: 'V-UNO', version: 1 });
    const readsBefore = catalog.reads;
    await Promise.all([router.refresh(), router.refresh(), router.refresh()]);
    expect(router.route('x')).toMatchObject({ code: 'V-DOS', version: 2 });
    expect(catalog.reads - readsBefore).toBeLessThanOrEqual(2);
  });

  it('trains the draft once per draft revision', async () => {
    const trained: TrainingCatalog[] = [];
    const router = new CatalogRouter({ catalog: new FakeCatalog(), logger, channel: 'c', pollMs: 0, train: fakeTrain(trained) });
    await router.start();
    await router.routeDraft('a');
    await router.routeDraft('b');
    expect(await router.routeDraft('c')).toMatchObject({ version: 'draft', code: 'V-UNO' });
    expect(trained).toHaveLength(2);
  });

  it('refuses to route before anything is published', async () => {
    const catalog = new FakeCatalog();
    catalog.versions = [];
    const router = new CatalogRouter({ catalog, logger, channel: 'c', pollMs: 0, train: fakeTrain([]) });
    await router.start();
    expect(() => router.route('x')).toThrow(/no hay una versión publicada/);
    expect(router.version).toBeNull();
  });
});
