import { smallCatalog } from '../support/catalog-fixture';
import { ConsoleSession } from '../support/console-session';
import { startApp, type RunningApp } from '../support/harness';

const PASSWORD = 'contraseña-segura-123';

describe('catalog API', () => {
  let running: RunningApp;
  let coord: ConsoleSession;

  beforeAll(async () => {
    running = await startApp();
    await running.app.users.create({ email: 'coord@cau.mx', role: 'coordinator', password: PASSWORD, actor: 'test' });
    await running.app.users.create({ email: 'agente@cau.mx', role: 'agent', password: PASSWORD, actor: 'test' });
    coord = await ConsoleSession.login(running.baseUrl, 'coord@cau.mx', PASSWORD);
  }, 60_000);
  afterAll(() => running.stop());

  it('serves the default catalog loaded on first start', async () => {
    const res = await coord.request('GET', '/api/catalog/versions');
    expect(res.status).toBe(200);
    expect((res.body as { versions: { version: number; source: string }[] }).versions).toEqual([expect.objectContaining({ version: 1, source: 'default' })]);
  });

  it('refuses wrong passwords, anonymous callers, agents and requests without the CSRF token', async () => {
    const anon = new ConsoleSession(running.baseUrl);
    const bad = await anon.request('POST', '/api/auth/login', { email: 'coord@cau.mx', password: 'otra-cosa-123456' });
    expect(bad).toMatchObject({ status: 401, body: { error: { code: 'InvalidCredentials' } } });
    expect((await anon.request('GET', '/api/catalog/draft')).status).toBe(401);
    expect((await anon.request('POST', '/api/catalog/route', { text: 'hola' })).status).toBe(401);

    const agent = await ConsoleSession.login(running.baseUrl, 'agente@cau.mx', PASSWORD);
    expect(await agent.request('GET', '/api/catalog/draft')).toMatchObject({ status: 403, body: { error: { code: 'Forbidden' } } });
    expect((await agent.request('POST', '/api/catalog/route', { text: 'hola' })).status).toBe(403);

    const noCsrf = await coord.request('POST', '/api/catalog/publish', {}, { csrf: false });
    expect(noCsrf).toMatchObject({ status: 403, body: { error: { code: 'CsrfFailed' } } });
  });

  it('sets an httpOnly, SameSite=Strict session cookie and tells who is logged in', async () => {
    const res = await fetch(`${running.baseUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'coord@cau.mx', password: PASSWORD }) });
    expect(res.headers.get('set-cookie')).toMatch(/^vt_session=[\w-]{40,}; Path=\/; HttpOnly; SameSite=Strict/);
    const me = await coord.request('GET', '/api/auth/me');
    expect(me).toMatchObject({ status: 200, body: { user: { email: 'coord@cau.mx', role: 'coordinator' }, csrfToken: coord.csrfToken } });
  });

  it('rejects a malformed import with every path and changes nothing', async () => {
    const bad = { ...smallCatalog(), services: [{ ...smallCatalog().services[0], kind: 'queja', examples: [] }], extra: 1 };
    const res = await coord.request('POST', '/api/catalog/import', bad);
    expect(res.status).toBe(400);
    const details = (res.body as { error: { code: string; details: { path: string }[] } }).error;
    expect(details.code).toBe('InvalidCatalog');
    expect(details.details.map((d) => d.path).sort()).toEqual(['extra', 'services[0].examples', 'services[0].kind']);
    const dry = await coord.request('POST', '/api/catalog/import?dryRun=true', bad);
    expect(dry.status).toBe(400);
    const ok = await coord.request('POST', '/api/catalog/import?dryRun=true', smallCatalog());
    expect(ok).toMatchObject({ status: 200, body: { valid: true, services: 3, active: 3 } });
    const wouldChange = (ok.body as { diff: { added: string[]; removed: string[] } }).diff;
    expect(wouldChange.added).toEqual(expect.arrayContaining(['RED-WIFI', 'HORARIO-CAU']));
    expect(wouldChange.removed.length).toBeGreaterThan(30);
    const versions = await coord.request('GET', '/api/catalog/versions');
    expect((versions.body as { versions: unknown[] }).versions).toHaveLength(1);
    expect((await coord.request('POST', '/api/catalog/import', '{"format": ')).status).toBe(400);
  });

  it('imports, routes with exactly the fixed decision fields, and exports the same catalog', async () => {
    const imported = await coord.request('POST', '/api/catalog/import', smallCatalog());
    expect(imported).toMatchObject({ status: 201, body: { version: 2, source: 'import' } });

    const route = await coord.request('POST', '/api/catalog/route', { text: 'Olvide la contrasenia de mi correo' });
    expect(route.status).toBe(200);
    expect(Object.keys(route.body as object).sort()).toEqual(['alternatives', 'code', 'confidence', 'decision', 'text']);
    expect(route.body).toMatchObject({ text: 'Olvide la contrasenia de mi correo', decision: 'service', code: 'CORREO-CONTRASENA' });
    expect(route.headers.get('x-catalog-version')).toBe('2');
    expect((await coord.request('POST', '/api/catalog/route', { text: 'cuál es el horario de atención del centro' })).body).toMatchObject({ decision: 'informative', code: 'HORARIO-CAU' });
    expect((await coord.request('POST', '/api/catalog/route', { text: 'quiero ver mis calificaciones del semestre' })).body).toMatchObject({ decision: 'out_of_scope', code: null });
    expect((await coord.request('POST', '/api/catalog/route', { nope: 1 })).status).toBe(400);

    const metrics = await (await fetch(`${running.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/^ventanilla_catalog_version 2$/m);
    expect(metrics).toMatch(/^ventanilla_route_decisions_total\{decision="out_of_scope"\} [1-9]/m);

    const exported = await coord.request('GET', '/api/catalog/export');
    expect(exported.headers.get('content-disposition')).toBe('attachment; filename="catalogo-v2.json"');
    expect(exported.body).toEqual(smallCatalog());
  });

  it('edits the draft, routes draft and published side by side, publishes, diffs and rolls back', async () => {
    const vpn = { ...smallCatalog().services[0], code: 'VPN-ACCESO', name: 'Acceso a la VPN institucional', category: 'VPN', examples: ['no me conecta la vpn', 'necesito acceso a la vpn desde casa', 'la vpn marca error de certificado'] };
    const bad = await coord.request('PUT', '/api/catalog/draft/services/VPN-ACCESO', { ...vpn, code: 'vpn acceso' });
    expect(bad.status).toBe(400);
    expect((bad.body as { error: { details: { path: string }[] } }).error.details.map((d) => d.path)).toEqual(['code']);
    const saved = await coord.request('POST', '/api/catalog/draft/services', vpn);
    expect(saved).toMatchObject({ status: 201, body: { changed: true, publishedVersion: 2 } });
    expect(await coord.request('POST', '/api/catalog/draft/services', vpn)).toMatchObject({ status: 409, body: { error: { code: 'DuplicateCode' } } });

    const text = 'no puedo conectarme a la vpn desde mi casa';
    const draft = await coord.request('POST', '/api/catalog/route', { text, target: 'draft' });
    const published = await coord.request('POST', '/api/catalog/route', { text, target: 'published' });
    expect(draft.body).toMatchObject({ code: 'VPN-ACCESO' });
    expect((published.body as { code: string | null }).code).not.toBe('VPN-ACCESO');

    const pub = await coord.request('POST', '/api/catalog/publish', { note: 'Alta de VPN' });
    expect(pub).toMatchObject({ status: 201, body: { version: 3, note: 'Alta de VPN', publishedBy: 'coord@cau.mx', summary: { added: 1 } } });
    expect((await coord.request('POST', '/api/catalog/route', { text })).body).toMatchObject({ code: 'VPN-ACCESO' });
    expect(await coord.request('POST', '/api/catalog/publish', {})).toMatchObject({ status: 409, body: { error: { code: 'NothingToPublish' } } });

    const diff = await coord.request('GET', '/api/catalog/diff?from=2&to=3');
    expect(diff.body).toMatchObject({ from: 2, to: 3, added: ['VPN-ACCESO'], removed: [], changed: [] });
    expect((await coord.request('GET', '/api/catalog/diff?from=2&to=nueve')).status).toBe(400);

    const rb = await coord.request('POST', '/api/catalog/rollback', { version: 2 });
    expect(rb).toMatchObject({ status: 201, body: { version: 4, source: 'rollback' } });
    expect((await coord.request('POST', '/api/catalog/route', { text })).body).not.toMatchObject({ code: 'VPN-ACCESO' });
    expect((await coord.request('GET', '/api/catalog/versions/9')).status).toBe(404);
  });
});
