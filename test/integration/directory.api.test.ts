import fs from 'node:fs';
import path from 'node:path';
import { ConsoleSession } from '../support/console-session';
import type { RunningApp } from '../support/harness';
import { startDirectoryApp } from './directory-app';

const PASSWORD = 'contraseña-segura-123';
const FIXTURE = fs.readFileSync(path.resolve(__dirname, '..', 'fixtures', 'directory.csv'), 'utf8');

interface Entry {
  id: string;
  name: string;
  extension: string | null;
  active: boolean;
  hasPin: boolean;
  route: unknown;
}

describe('directory API', () => {
  let running: RunningApp;
  let coord: ConsoleSession;
  let agent: ConsoleSession;

  beforeAll(async () => {
    ({ running } = await startDirectoryApp());
    await running.app.users.create({ email: 'coord@cau.mx', role: 'coordinator', password: PASSWORD, actor: 'test' });
    await running.app.users.create({ email: 'agente@cau.mx', role: 'agent', password: PASSWORD, actor: 'test' });
    await running.app.users.create({ email: 'resolutor@cau.mx', role: 'resolver', resolverGroup: 'Redes', password: PASSWORD, actor: 'test' });
    coord = await ConsoleSession.login(running.baseUrl, 'coord@cau.mx', PASSWORD);
    agent = await ConsoleSession.login(running.baseUrl, 'agente@cau.mx', PASSWORD);
  }, 60_000);
  afterAll(() => running.stop());

  it('imports a CSV body (dry run first, then for real) and lists it', async () => {
    const csv = async (query: string) => {
      const res = await fetch(`${running.baseUrl}/api/directory/import${query}`, {
        method: 'POST',
        headers: { 'content-type': 'text/csv; charset=utf-8', cookie: coord.cookie, 'x-csrf-token': coord.csrfToken },
        body: FIXTURE,
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    expect(await csv('?dryRun=true')).toEqual({ status: 200, body: { created: 54, updated: 0, unchanged: 0, deactivated: 0, errors: [], replace: false, dryRun: true } });
    expect(((await coord.request('GET', '/api/directory')).body as { entries: Entry[] }).entries).toEqual([]);
    expect(await csv('')).toMatchObject({ status: 200, body: { created: 54, dryRun: false } });
    const list = (await coord.request('GET', '/api/directory')).body as { entries: Entry[] };
    expect(list.entries).toHaveLength(54);
    expect(list.entries[0]).toMatchObject({ name: 'Adquisiciones' });
    const maria = list.entries.find((e) => e.name === 'María Pérez Gómez');
    expect(maria).toMatchObject({ extension: '42500', hasPin: true, route: { kind: 'sip', uri: 'sip:42500@pbx.cau.example.gob.mx' } });
    expect(JSON.stringify(list)).not.toMatch(/argon2|outboundPinHash|4821/);
    // The same file as JSON (the console sends it so): nothing changes.
    expect(await coord.request('POST', '/api/directory/import', { csv: FIXTURE })).toMatchObject({ status: 200, body: { unchanged: 54, created: 0 } });
  });

  it('reads a malformed text/csv body itself: a 400 naming the line, not a 500', async () => {
    const res = await fetch(`${running.baseUrl}/api/directory/import`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv', cookie: coord.cookie, 'x-csrf-token': coord.csrfToken },
      body: 'tipo,nombre\npersona,"sin cerrar\n',
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      error: { code: 'InvalidDirectoryCsv', message: expect.any(String), details: [{ path: 'línea 2', message: 'Hay comillas sin cerrar a partir de la línea 2.' }] },
    });
  });

  it('answers an invalid file with each line in the details, and changes nothing', async () => {
    const res = await coord.request('POST', '/api/directory/import?replace=true', { csv: 'tipo,nombre,extension\npersona,Fulano de Tal,12\nárea,,3\n' });
    expect(res.status).toBe(400);
    const error = (res.body as { error: { code: string; message: string; details: { path: string; message: string }[] } }).error;
    expect(error.code).toBe('InvalidDirectoryCsv');
    expect(error.message).toMatch(/no se cambió nada/);
    expect(error.details.map((d) => d.path)).toEqual(['línea 3', 'línea 3']);
    expect(((await coord.request('GET', '/api/directory')).body as { entries: Entry[] }).entries).toHaveLength(54);
  });

  it('looks people up for agents too, with the outcome and how to say the name', async () => {
    const res = await agent.request('GET', `/api/directory/lookup?q=${encodeURIComponent('comuníqueme con la licenciada Maria Peres')}`);
    expect(res.status).toBe(200);
    const body = res.body as { outcome: string; matches: { entry: Entry; score: number; matchedOn: string; spokenName: string }[] };
    expect(body.outcome).toBe('confident');
    expect(body.matches[0]).toMatchObject({ matchedOn: 'name', spokenName: 'la Lic. María Pérez Gómez', entry: { extension: '42500' } });
    const ext = (await agent.request('GET', `/api/directory/lookup?q=${encodeURIComponent('extensión cuatro cinco cero cero uno')}`)).body as typeof body;
    expect(ext.matches[0]).toMatchObject({ score: 1, matchedOn: 'extension', entry: { name: 'Jorge Ramírez Soto' } });
    expect(((await agent.request('GET', '/api/directory/lookup?q=Ram%C3%ADrez')).body as typeof body).outcome).toBe('ambiguous');
    expect(await agent.request('GET', '/api/directory/lookup')).toMatchObject({ status: 400, body: { error: { code: 'BadArgument' } } });
    expect((await agent.request('GET', '/api/directory?q=nominas')).status).toBe(200);
  });

  it('lets coordinators create, edit and take out entries; agents, resolvers and strangers cannot', async () => {
    const created = await coord.request('POST', '/api/directory', { kind: 'person', name: 'Tomás Ibáñez Ruiz', title: 'Ing.', gender: 'm', extension: '45300', area: 'Tecnologías de la Información' });
    expect(created).toMatchObject({ status: 201, body: { entry: { name: 'Tomás Ibáñez Ruiz', active: true } } });
    const id = (created.body as { entry: Entry }).entry.id;
    expect(await coord.request('GET', `/api/directory/${id}`)).toMatchObject({ status: 200, body: { spokenName: 'el Ing. Tomás Ibáñez Ruiz' } });
    expect(await coord.request('PUT', `/api/directory/${id}`, { availability: 'away', availabilityNote: 'En una junta.' })).toMatchObject({ status: 200, body: { entry: { availability: 'away' } } });
    expect(((await agent.request('GET', `/api/directory/lookup?q=Tomas%20Ibanez`)).body as { matches: unknown[] }).matches[0]).toMatchObject({ entry: { id, availability: 'away' } });

    expect(await coord.request('POST', '/api/directory', { kind: 'person', name: 'Otra Persona', extension: '45300' })).toMatchObject({ status: 409, body: { error: { code: 'DuplicateExtension' } } });
    const invalid = await coord.request('POST', '/api/directory', { kind: 'person', name: 'X', email: 'no-es-correo', route: { kind: 'pstn', number: '5555' } });
    expect(invalid.status).toBe(400);
    expect((invalid.body as { error: { details: { path: string }[] } }).error.details.map((d) => d.path).sort()).toEqual(['email', 'route.number']);

    expect((await agent.request('POST', '/api/directory', { kind: 'area', name: 'Nueva' })).status).toBe(403);
    expect((await agent.request('PUT', `/api/directory/${id}`, { name: 'Y' })).status).toBe(403);
    expect((await agent.request('GET', '/api/directory/export')).status).toBe(403);
    expect((await agent.request('POST', '/api/directory/import', { csv: FIXTURE })).status).toBe(403);
    const resolver = await ConsoleSession.login(running.baseUrl, 'resolutor@cau.mx', PASSWORD);
    expect((await resolver.request('GET', '/api/directory')).status).toBe(403);
    expect((await new ConsoleSession(running.baseUrl).request('GET', '/api/directory/lookup?q=rh')).status).toBe(401);
    expect(await coord.request('DELETE', `/api/directory/${id}`, undefined, { csrf: false })).toMatchObject({ status: 403, body: { error: { code: 'CsrfFailed' } } });

    expect(await coord.request('DELETE', `/api/directory/${id}`)).toMatchObject({ status: 200, body: { entry: { active: false } } });
    expect((await coord.request('GET', '/api/directory')).body).not.toMatchObject({ entries: expect.arrayContaining([expect.objectContaining({ id })]) });
    expect((await coord.request('GET', '/api/directory?includeInactive=true')).body).toMatchObject({ entries: expect.arrayContaining([expect.objectContaining({ id, active: false })]) });
    expect(await coord.request('GET', '/api/directory/00000000-0000-4000-8000-000000000000')).toMatchObject({ status: 404, body: { error: { code: 'DirectoryEntryNotFound' } } });
    expect((await coord.request('PUT', '/api/directory/no-es-un-id', { name: 'Y' })).status).toBe(404);

    const log = await running.app.repositories.audit.latest(5);
    expect(log.filter((a) => a.target === id).map((a) => [a.actor, a.action])).toEqual([
      ['coord@cau.mx', 'directory.entry.deactivate'],
      ['coord@cau.mx', 'directory.entry.update'],
      ['coord@cau.mx', 'directory.entry.create'],
    ]);
  });

  it('exports the active directory as a CSV download that imports back unchanged', async () => {
    const res = await fetch(`${running.baseUrl}/api/directory/export`, { headers: { cookie: coord.cookie } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="directorio.csv"');
    const bytes = Buffer.from(await res.arrayBuffer());
    // UTF-8 with a byte order mark, so spreadsheet programs read the accents right.
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.toString('utf8');
    expect(text.trim().split('\r\n')).toHaveLength(55);
    expect(await coord.request('POST', '/api/directory/import', { csv: text, replace: true })).toMatchObject({ status: 200, body: { created: 0, updated: 0, deactivated: 0, unchanged: 54 } });
  });
});
