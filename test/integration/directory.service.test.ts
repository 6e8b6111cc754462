import fs from 'node:fs';
import path from 'node:path';
import { AuditRepository, DirectoryRepository } from '../../models';
import { DirectoryService } from '../../services/directory/directory.service';
import { DirectoryError } from '../../services/directory/directory-types';
import { openTestDatabase, testBackends, type TestDatabase } from '../support/test-database';

const FIXTURE = fs.readFileSync(path.resolve(__dirname, '..', 'fixtures', 'directory.csv'), 'utf8');
const T0 = new Date('2026-11-23T17:00:00Z');

class FakeClock {
  t = T0.getTime();
  now(): Date {
    return new Date(this.t);
  }
  advance(ms: number): void {
    this.t += ms;
  }
}

/** The real repository, counting how often the directory is read whole (a lookup must not). */
class CountingRepository extends DirectoryRepository {
  lists = 0;
  override async list(options?: { includeInactive?: boolean }) {
    this.lists++;
    return super.list(options);
  }
}

describe.each(testBackends())('directory service on %s', (backend) => {
  let t: TestDatabase;
  let repo: CountingRepository;
  let audit: AuditRepository;
  let clock: FakeClock;
  let directory: DirectoryService;

  beforeAll(async () => {
    t = await openTestDatabase(backend);
    repo = new CountingRepository(t.database.db);
    audit = new AuditRepository(t.database.db);
    clock = new FakeClock();
    directory = new DirectoryService({ repo, audit, clock, pinLockout: { maxFailures: 3, windowMs: 60_000 } });
  });
  afterAll(() => t.dispose());

  it('imports the fixture all at once, audited, and finds people and areas in it', async () => {
    const result = await directory.importCsv('coord@cau.mx', FIXTURE);
    expect(result).toEqual({ created: 54, updated: 0, unchanged: 0, deactivated: 0, errors: [] });
    const [maria] = await directory.lookup('comuníqueme con la licenciada María Pérez');
    expect(maria).toMatchObject({ matchedOn: 'name', entry: { name: 'María Pérez Gómez', extension: '42500', title: 'Lic.', gender: 'f', route: { kind: 'sip', uri: 'sip:42500@pbx.cau.example.gob.mx' }, outboundAllowed: true, hasPin: true } });
    expect(maria?.score).toBeGreaterThanOrEqual(0.85);
    expect((await directory.lookup('extensión cuatro dos cinco cero cero'))[0]).toMatchObject({ score: 1, matchedOn: 'extension', entry: { name: 'María Pérez Gómez' } });
    expect((await directory.byExtension('44300'))?.route).toEqual({ kind: 'pstn', number: '+525553001234', sendDigits: 'ww44300' });
    expect((await directory.lookup('con recursos humanos'))[0]?.entry.name).toBe('Recursos Humanos');
    const adriana = (await directory.lookup('Adriana Juárez'))[0]?.entry;
    expect(adriana).toMatchObject({ availability: 'unavailable', availabilityNote: 'Está de vacaciones hasta el 3 de diciembre.' });
    expect(directory.spokenName(maria!.entry)).toBe('la Lic. María Pérez Gómez');
    const log = await audit.latest(100);
    expect(log.filter((a) => a.action === 'directory.entry.create')).toHaveLength(54);
    expect(log.find((a) => a.action === 'directory.import')).toMatchObject({ actor: 'coord@cau.mx', details: { created: 54, replace: false } });
    // PINs are stored as argon2id hashes, never in clear.
    const stored = (await repo.activeByExtension('42500'))[0];
    expect(stored?.outboundPinHash).toMatch(/^\$argon2id\$/);
    // (The entries' details, not their random ids: a UUID may hold these four digits by chance.)
    expect(JSON.stringify(log.map((a) => a.details))).not.toContain('4821');
  });

  it('exports what it imported, and importing the export changes nothing', async () => {
    const csv = await directory.exportCsv();
    expect(csv.split('\r\n')[0]).toBe('tipo,nombre,titulo,genero,area,puesto,alias,extension,telefono,correo,disponibilidad,nota,ruta,envio_digitos,llamadas_exterior,nip');
    expect(csv).toContain('persona,María Pérez Gómez,Lic.,F,Recursos Humanos,Subdirectora de Recursos Humanos,,42500,55 5482 4250,maria.perez@cau.example.gob.mx,disponible,,sip:42500@pbx.cau.example.gob.mx,,sí,\r\n');
    expect(csv).toContain('"Está en comisión fuera de la oficina; regresa el lunes."'.replace(/"/g, ''));
    expect(csv).not.toMatch(/4821|7395/);
    expect(await directory.importCsv('coord@cau.mx', csv)).toEqual({ created: 0, updated: 0, unchanged: 54, deactivated: 0, errors: [] });
    // The PINs survived a file that carries none.
    expect(await directory.verifyOutboundPin('45001', '7395')).toMatchObject({ name: 'Jorge Ramírez Soto' });
  });

  it('refuses a file with errors as a whole, naming each line, and changes nothing', async () => {
    const before = await directory.exportCsv();
    const bad = [
      'tipo,nombre,extension,ruta,envio_digitos,llamadas_exterior,nip,genero',
      'persona,Nueva Persona Uno,50001,,,no,,F',
      'oficina,Algo Raro,50002,,,no,,',
      'persona,Otra Persona,42500,,,no,,',
      'persona,Sin Nip,50004,,,sí,,',
      'persona,Con Ruta Mala,50005,sip:sin-arroba,,no,,',
      'persona,Nueva Persona Uno,50006,,,no,,',
      'persona,Dígitos Sin Ruta,50007,,ww1,no,,X',
    ].join('\n');
    const result = await directory.importCsv('coord@cau.mx', bad);
    expect(result.created + result.updated + result.deactivated).toBe(0);
    expect(result.errors.map((e) => e.line)).toEqual([3, 4, 5, 6, 7, 8, 8]);
    expect(result.errors.map((e) => e.message).join('\n')).toMatch(/tipo: «oficina»[\s\S]*42500 ya es de María Pérez Gómez[\s\S]*NIP[\s\S]*sip:42500@pbx[\s\S]*ya aparece en la línea 2[\s\S]*/);
    expect(await directory.exportCsv()).toBe(before);
    expect((await directory.importCsv('x', 'nombre\nFulano')).errors).toEqual([{ line: 1, message: 'Falta la columna «tipo».' }]);
    expect((await directory.importCsv('x', 'tipo,nombre,color\npersona,Fulano,azul')).errors[0]?.message).toMatch(/Columnas desconocidas: color/);
    expect((await directory.importCsv('x', 'tipo,nombre\npersona,"sin cerrar')).errors[0]?.message).toMatch(/comillas sin cerrar/);
  });

  it('updates changed rows, creates new ones and, with replace, takes out the rest', async () => {
    const lines = FIXTURE.trim().split('\n');
    const header = lines[0] as string;
    const laura = (lines.find((l) => l.includes('Laura Hernández')) as string).replace('disponible,,', 'ausente,Está en una junta.,');
    const rh = lines.find((l) => l.startsWith('área,Recursos Humanos')) as string;
    const nuevo = 'persona,Tomás Ibáñez Ruiz,Ing.,M,Tecnologías de la Información,Analista de Sistemas,,45300,,,disponible,,,,no,';
    const result = await directory.importCsv('coord@cau.mx', [header, laura, rh, nuevo].join('\n'), { replace: true, dryRun: true });
    expect(result).toEqual({ created: 1, updated: 1, unchanged: 1, deactivated: 52, errors: [] });
    expect((await directory.list()).length).toBe(54);

    const applied = await directory.importCsv('coord@cau.mx', [header, laura, rh, nuevo].join('\n'), { replace: true });
    expect(applied).toEqual({ created: 1, updated: 1, unchanged: 1, deactivated: 52, errors: [] });
    expect((await directory.list()).map((e) => e.name)).toEqual(['Recursos Humanos', 'Laura Hernández Castillo', 'Tomás Ibáñez Ruiz']);
    expect(await directory.byExtension('42500')).toBeNull();
    expect((await directory.lookup('María Pérez')).filter((m) => m.score >= 0.6)).toEqual([]);
    expect((await directory.list({ includeInactive: true })).length).toBe(55);
    const updatedLog = (await audit.latest(200)).find((a) => a.action === 'directory.entry.update');
    expect(updatedLog?.details).toMatchObject({ name: 'Laura Hernández Castillo', fields: ['availability', 'availabilityNote'], via: 'import' });

    // Putting the whole fixture back reactivates everyone it names.
    // (52 come back, Laura's availability goes back too, and Tomás goes.)
    expect(await directory.importCsv('coord@cau.mx', FIXTURE, { replace: true })).toMatchObject({ created: 0, updated: 53, unchanged: 1, deactivated: 1, errors: [] });
    expect((await directory.byExtension('42500'))?.name).toBe('María Pérez Gómez');
  });

  it('creates, edits and takes out entries from the console, each change audited; the cache follows at once', async () => {
    const created = await directory.create('coord@cau.mx', {
      kind: 'person',
      name: 'Ángeles Domínguez Ríos',
      title: 'Lic.',
      gender: 'f',
      area: 'Asuntos Jurídicos',
      position: 'Abogada',
      aliases: ['Angie', ' ', 'Angie'],
      extension: '46020',
      route: { kind: 'sip', uri: 'sip:46020@pbx.cau.example.gob.mx' },
    });
    expect(created).toMatchObject({ kind: 'person', aliases: ['Angie'], availability: 'available', active: true, hasPin: false, outboundAllowed: false });
    expect((await directory.lookup('Ángeles Domínguez'))[0]?.entry.id).toBe(created.id);

    const edited = await directory.update('coord@cau.mx', created.id, { extension: '46021', availability: 'away', outboundAllowed: true, pin: '2468' });
    expect(edited).toMatchObject({ extension: '46021', availability: 'away', hasPin: true, outboundAllowed: true, name: 'Ángeles Domínguez Ríos' });
    expect((await directory.byExtension('46021'))?.id).toBe(created.id);
    expect(await directory.byExtension('46020')).toBeNull();

    const removed = await directory.remove('coord@cau.mx', created.id);
    expect(removed.active).toBe(false);
    expect((await directory.lookup('Ángeles Domínguez')).some((m) => m.entry.id === created.id)).toBe(false);
    expect((await directory.get(created.id))?.active).toBe(false);

    const log = (await audit.latest(10)).filter((a) => a.target === created.id).map((a) => [a.action, a.details]);
    expect(log).toEqual([
      ['directory.entry.deactivate', { name: 'Ángeles Domínguez Ríos', extension: '46021' }],
      ['directory.entry.update', { name: 'Ángeles Domínguez Ríos', fields: ['extension', 'availability', 'outboundAllowed', 'pin'] }],
      ['directory.entry.create', { kind: 'person', name: 'Ángeles Domínguez Ríos', extension: '46020', pin: false }],
    ]);
  });

  it('refuses duplicates, outbound calls without a PIN and bad fields, with the field of each problem', async () => {
    const refused = async (p: Promise<unknown>) => {
      const err = await p.then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(DirectoryError);
      return err as DirectoryError;
    };
    expect(await refused(directory.create('c', { kind: 'person', name: 'Alguien Nuevo', extension: '42500' }))).toMatchObject({ code: 'directory/duplicate_extension', problems: [{ path: 'extension' }] });
    expect(await refused(directory.create('c', { kind: 'area', name: 'recursos humanos' }))).toMatchObject({ code: 'directory/duplicate_name', problems: [{ path: 'name' }] });
    expect(await refused(directory.create('c', { kind: 'person', name: 'Sin NIP', outboundAllowed: true }))).toMatchObject({ code: 'directory/invalid_input', problems: [{ path: 'pin' }] });
    const bad = await refused(directory.create('c', { kind: 'persona', name: '', extension: '42-500', email: 'no', route: { kind: 'sip', uri: 'pbx' }, pin: '12', extra: 1 }));
    expect(bad.code).toBe('directory/invalid_input');
    expect(bad.problems.map((p) => p.path).sort()).toEqual(['(raíz)', 'email', 'extension', 'kind', 'name', 'pin', 'route.uri']);
    expect(await refused(directory.update('c', '00000000-0000-4000-8000-000000000000', { name: 'X' }))).toMatchObject({ code: 'directory/not_found' });
    // Two consoles giving the same extension at the same moment: one of them wins.
    const results = await Promise.allSettled([
      directory.create('c', { kind: 'person', name: 'Primera Persona', extension: '59999' }),
      directory.create('c', { kind: 'person', name: 'Segunda Persona', extension: '59999' }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
  });

  it('checks outbound PINs with argon2id, audits every try, and locks an extension after repeated failures', async () => {
    expect(await directory.verifyOutboundPin('42500', '4821')).toMatchObject({ name: 'María Pérez Gómez', outboundAllowed: true });
    expect(await directory.verifyOutboundPin('42011', '4821')).toBeNull(); // no outbound permission
    expect(await directory.verifyOutboundPin('99999', '4821')).toBeNull(); // no such extension
    expect(await directory.verifyOutboundPin('45001', '0000')).toBeNull();
    expect(await directory.verifyOutboundPin('45001', '1111')).toBeNull();
    expect(await directory.verifyOutboundPin('45001', 'abc')).toBeNull();
    // Third failure in the window: locked, even with the right PIN.
    expect(await directory.verifyOutboundPin('45001', '7395')).toBeNull();
    clock.advance(61_000);
    expect(await directory.verifyOutboundPin('45001', '7395')).toMatchObject({ name: 'Jorge Ramírez Soto' });
    const actions = (await audit.latest(20)).map((a) => a.action);
    expect(actions.filter((a) => a === 'directory.outbound_pin.rejected').length).toBeGreaterThanOrEqual(5);
    expect(actions).toContain('directory.outbound_pin.locked');
    expect(actions.filter((a) => a === 'directory.outbound_pin.verified')).toHaveLength(2);
  });

  it('serves lookups from memory, reloads in the background after 30 s, and re-reads at once after its own writes', async () => {
    const fresh = new DirectoryService({ repo, audit, clock });
    const start = repo.lists;
    await fresh.lookup('Recursos Humanos');
    expect(repo.lists).toBe(start + 1);
    for (let i = 0; i < 20; i++) await fresh.lookup('Jorge Ramírez');
    await fresh.byExtension('42500');
    expect(repo.lists).toBe(start + 1);

    // Another instance adds someone: seen after the reload period, not before.
    await directory.create('otra-instancia', { kind: 'person', name: 'Zoila Quintanar Ugalde', extension: '47777' });
    expect((await fresh.lookup('Zoila Quintanar'))[0]?.entry.name).not.toBe('Zoila Quintanar Ugalde');
    clock.advance(30_000);
    // The stale copy answers this lookup while the reload runs; the next one sees the new entry.
    await fresh.lookup('Zoila Quintanar');
    await new Promise((r) => setTimeout(r, 200));
    expect((await fresh.lookup('Zoila Quintanar'))[0]?.entry.name).toBe('Zoila Quintanar Ugalde');

    // Its own change is visible to the very next lookup.
    await fresh.update('coord', (await fresh.byExtension('47777'))!.id, { name: 'Zoila Quintanar Uribe' });
    expect((await fresh.lookup('Zoila Uribe'))[0]?.entry.name).toBe('Zoila Quintanar Uribe');
  });
});
