import { createRepositories } from '../../models';
import { CatalogValidationError, parseCatalog } from '../../services/catalog/catalog-format';
import { CatalogError, CatalogService } from '../../services/catalog/catalog.service';
import { readDefaultCatalog } from '../../services/catalog/default-catalog';
import { service, smallCatalog } from '../support/catalog-fixture';
import { openTestDatabase, testBackends, type TestDatabase } from '../support/test-database';

function problemsOf(fn: () => unknown): { path: string; message: string }[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof CatalogValidationError) return err.problems;
    throw err;
  }
  throw new Error('expected a CatalogValidationError');
}

describe('catalog file validation', () => {
  it('accepts the shipped default catalog and the issue minimums hold', () => {
    const catalog = parseCatalog(readDefaultCatalog());
    expect(catalog.services.length).toBeGreaterThanOrEqual(25);
    expect(catalog.services.filter((s) => s.scope === 'informative').length).toBeGreaterThanOrEqual(3);
    for (const s of catalog.services) expect(s.examples.length).toBeGreaterThanOrEqual(8);
    expect(catalog.outOfScope.examples.length).toBeGreaterThanOrEqual(40);
  });

  it('reports every problem at once with its JSON path', () => {
    const bad = JSON.parse(JSON.stringify(smallCatalog())) as Record<string, unknown> & { services: Record<string, unknown>[] };
    bad.extra = true;
    (bad.services[0] as Record<string, unknown>).kind = 'complaint';
    (bad.services[1] as Record<string, unknown>).examples = [];
    (bad.services[1] as Record<string, unknown>).colour = 'red';
    (bad.services[2] as Record<string, unknown>).code = 'CORREO-CONTRASENA';
    const problems = problemsOf(() => parseCatalog(bad));
    const paths = problems.map((p) => p.path).sort();
    expect(paths).toEqual(['extra', 'services[0].kind', 'services[1].colour', 'services[1].examples']);
    expect(problems.find((p) => p.path === 'extra')?.message).toBe('campo desconocido');
    expect(problems.find((p) => p.path === 'services[0].kind')?.message).toMatch(/fault/);
  });

  it('finds duplicate codes and malformed diagnostics once the shape is right', () => {
    const bad = smallCatalog();
    bad.services[2] = { ...bad.services[2]!, code: 'CORREO-CONTRASENA' };
    bad.services[1]!.diagnostics = [
      { id: 'tipo', question: '¿Cuál?', answer: 'choice', options: ['solo una'] },
      { id: 'tipo', question: '¿Otra?', answer: 'yesno', options: ['sí', 'no'] },
    ];
    const problems = problemsOf(() => parseCatalog(bad));
    expect(problems.map((p) => p.path).sort()).toEqual([
      'services[1].diagnostics[0].options',
      'services[1].diagnostics[1].id',
      'services[1].diagnostics[1].options',
      'services[2].code',
    ]);
    expect(problems.every((p) => 'messageEn' in p)).toBe(true);
  });

  it('rejects a wrong format tag, bad language and a missing referral', () => {
    const problems = problemsOf(() => parseCatalog({ ...smallCatalog(), format: 'otro/v2', language: 'fr', referral: undefined }));
    expect(problems.map((p) => p.path).sort()).toEqual(['format', 'language', 'referral']);
  });
});

describe.each(testBackends())('CatalogService on %s', (backend) => {
  let t: TestDatabase;
  let catalog: CatalogService;
  const audit = () => createRepositories(t.database).audit.latest(200);

  beforeAll(async () => {
    t = await openTestDatabase(backend);
    catalog = new CatalogService(createRepositories(t.database).catalog);
  });
  afterAll(() => t.dispose());

  it('has nothing before the first import, and seeds the default exactly once', async () => {
    await expect(catalog.getDraft()).rejects.toThrow(CatalogError);
    expect(await catalog.latestPublished()).toBeNull();
    const first = await catalog.importCatalog(smallCatalog(), { draft: false, actor: 'ana@cau.mx' });
    expect('version' in first && first.version).toBe(1);
    expect(await catalog.ensureDefault(readDefaultCatalog())).toBeNull();
  });

  it('leaves nothing behind when an import is invalid', async () => {
    const before = await catalog.listVersions();
    const draftBefore = await catalog.getDraft();
    await expect(catalog.importCatalog({ ...smallCatalog(), services: [{ code: 'x' }] }, { draft: false, actor: 'ana@cau.mx' })).rejects.toThrow(CatalogValidationError);
    await expect(catalog.importCatalog({ ...smallCatalog(), services: [{ code: 'x' }] }, { draft: true, actor: 'ana@cau.mx' })).rejects.toThrow(CatalogValidationError);
    expect(await catalog.listVersions()).toEqual(before);
    expect((await catalog.getDraft()).revision).toBe(draftBefore.revision);
  });

  it('edits go to the draft; publishing makes a new version and clears the changed flag', async () => {
    let draft = await catalog.upsertService('VPN-ACCESO', service('VPN-ACCESO', 'Acceso a la VPN', 'VPN', { examples: ['no conecta la vpn'] }), 'ana@cau.mx');
    expect(draft.changed).toBe(true);
    expect(draft.catalog.services.map((s) => s.code)).toContain('VPN-ACCESO');
    expect((await catalog.latestPublished())?.catalog.services.map((s) => s.code)).not.toContain('VPN-ACCESO');

    draft = await catalog.upsertService('VPN-ACCESO', service('VPN-REMOTO', 'Acceso remoto por VPN', 'VPN', { examples: ['no conecta la vpn'] }), 'ana@cau.mx');
    expect(draft.catalog.services.map((s) => s.code)).toEqual(['CORREO-CONTRASENA', 'RED-WIFI', 'HORARIO-CAU', 'VPN-REMOTO']);
    await expect(catalog.upsertService('VPN-REMOTO', service('RED-WIFI', 'x', 'y'), 'ana@cau.mx')).rejects.toMatchObject({ code: 'catalog/duplicate_code' });
    await expect(catalog.deleteService('NO-EXISTE', 'ana@cau.mx')).rejects.toMatchObject({ code: 'catalog/service_not_found' });
    draft = await catalog.updateSettings({ referral: { message: 'Acuda a Servicios Escolares.', phone: '55 1234 5678' } }, 'ana@cau.mx');
    expect(draft.catalog.referral.phone).toBe('55 1234 5678');
    await expect(catalog.updateSettings({ services: [] }, 'ana@cau.mx')).rejects.toThrow(CatalogValidationError);

    const v2 = await catalog.publish('ana@cau.mx', 'Alta de VPN');
    expect(v2.version).toBe(2);
    expect(v2.summary).toEqual({ added: 1, removed: 0, changed: 1 });
    expect(v2.note).toBe('Alta de VPN');
    expect((await catalog.getDraft()).changed).toBe(false);
    await expect(catalog.publish('ana@cau.mx')).rejects.toMatchObject({ code: 'catalog/nothing_to_publish' });
  });

  it('diffs versions and the draft field by field', async () => {
    await catalog.upsertService('RED-WIFI', { ...smallCatalog().services[1]!, defaultUrgency: 'high', examples: ['sin wifi'] }, 'beto@cau.mx');
    const diff = await catalog.diff(2, 'draft');
    expect(diff.added).toEqual([]);
    expect(diff.changed).toEqual([
      { code: 'RED-WIFI', fields: [expect.objectContaining({ field: 'examples', after: ['sin wifi'] }), { field: 'defaultUrgency', before: 'medium', after: 'high' }] },
    ]);
    const d12 = await catalog.diff(1, 2);
    expect(d12).toMatchObject({ added: ['VPN-REMOTO'], removed: [], settingsChanged: ['referral'] });
    await catalog.discardDraft('beto@cau.mx');
    expect((await catalog.getDraft()).changed).toBe(false);
  });

  it('rolls back by publishing a copy of an old version, and export → import round-trips', async () => {
    const v3 = await catalog.rollback(1, 'ana@cau.mx');
    expect(v3.version).toBe(3);
    expect(v3.source).toBe('rollback');
    expect(v3.catalog).toEqual((await catalog.getVersion(1)).catalog);
    expect((await catalog.getDraft()).catalog.services.map((s) => s.code)).not.toContain('VPN-REMOTO');
    await expect(catalog.rollback(99, 'ana@cau.mx')).rejects.toMatchObject({ code: 'catalog/version_not_found' });

    const exported = JSON.parse(JSON.stringify((await catalog.exportCatalog(2)).catalog)) as unknown;
    const v4 = await catalog.importCatalog(exported, { draft: false, actor: 'ana@cau.mx' });
    expect('version' in v4 && v4.version).toBe(4);
    expect((await catalog.exportCatalog()).catalog).toEqual(exported);
    expect(JSON.stringify((await catalog.exportCatalog()).catalog)).toBe(JSON.stringify(exported));
  });

  it('writes every change to the audit log with who and what', async () => {
    const actions = (await audit()).filter((a) => a.action.startsWith('catalog.')).map((a) => a.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        'catalog.import',
        'catalog.service.create',
        'catalog.service.rename',
        'catalog.settings.update',
        'catalog.publish',
        'catalog.service.update',
        'catalog.draft.discard',
        'catalog.rollback',
      ]),
    );
    const publish = (await audit()).find((a) => a.action === 'catalog.publish');
    expect(publish).toMatchObject({ actor: 'ana@cau.mx', details: expect.objectContaining({ version: 2, note: 'Alta de VPN' }) });
  });

  it('numbers concurrent publishes without collisions', async () => {
    const results = await Promise.all(
      [0, 1, 2].map((i) => catalog.importCatalog({ ...smallCatalog(), referral: { message: `Referencia ${i}`, phone: '55' } }, { draft: false, actor: `c${i}@cau.mx` })),
    );
    const versions = results.map((r) => ('version' in r ? r.version : 0)).sort();
    expect(versions).toEqual([5, 6, 7]);
    expect((await catalog.listVersions()).map((v) => v.version)).toEqual([7, 6, 5, 4, 3, 2, 1]);
  });
});
