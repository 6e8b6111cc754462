import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AuditRepository, DirectoryRepository } from '../../models';
import { type DatabaseLocation, defaultBackend, makeDatabaseLocation } from '../support/test-database';

const root = path.resolve(__dirname, '..', '..');
const FIXTURE = path.join(root, 'test', 'fixtures', 'directory.csv');

function cli(args: string[], env: Record<string, string>) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'app/cli.ts'), ...args], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', DOTENV_CONFIG_QUIET: 'true', LOG_LEVEL: 'silent', ...env },
    encoding: 'utf8',
    timeout: 90_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe(`directory CLI on ${defaultBackend()}`, () => {
  let location: DatabaseLocation;
  let dir: string;

  beforeAll(async () => {
    location = await makeDatabaseLocation('directory-cli');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ventanilla-directory-'));
  });
  afterAll(async () => {
    await location.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a file with errors, line by line, and imports nothing', async () => {
    const file = path.join(dir, 'malo.csv');
    fs.writeFileSync(file, 'tipo,nombre,extension,nip\npersona,Fulano de Tal,12345,12\ndepartamento,Algo,,\n');
    const r = cli(['directory:import', file], location.env);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/tiene 2 errores; no se cambió nada:\n {2}línea 2: nip: El NIP lleva de 4 a 8 dígitos\.\n {2}línea 3: tipo: «departamento» no es «persona» ni «área»\./);
    const db = await location.open();
    try {
      expect(await new DirectoryRepository(db.db).list({ includeInactive: true })).toEqual([]);
    } finally {
      await db.close();
    }
  });

  it('imports the fixture (dry run first), exports it to a file and to stdout, and re-imports it unchanged', async () => {
    const dry = cli(['directory:import', FIXTURE, '--dry-run'], location.env);
    expect(dry).toMatchObject({ code: 0, err: '' });
    expect(dry.out).toBe('Se importaría: 54 nuevas, 0 actualizadas, 0 sin cambios, 0 dadas de baja (no se cambió nada).\n');
    const imported = cli(['directory:import', FIXTURE], location.env);
    expect(imported).toMatchObject({ code: 0, out: 'Directorio importado: 54 nuevas, 0 actualizadas, 0 sin cambios, 0 dadas de baja.\n' });

    const file = path.join(dir, 'directorio.csv');
    const exported = cli(['directory:export', file], location.env);
    expect(exported.code).toBe(0);
    expect(exported.err).toMatch(/Directorio escrito en .*directorio\.csv \(54 entradas\)/);
    const text = fs.readFileSync(file, 'utf8');
    expect(text.charCodeAt(0)).toBe(0xfeff);
    expect(text).toContain('persona,Jorge Ramírez Soto,Ing.,M,Tecnologías de la Información,Director de Tecnologías de la Información,,45001,');
    const stdout = cli(['directory:export'], location.env);
    expect(stdout.out).toBe(text.slice(1));

    const again = cli(['directory:import', file, '--replace'], location.env);
    expect(again.out).toBe('Directorio importado: 0 nuevas, 0 actualizadas, 54 sin cambios, 0 dadas de baja.\n');
    const db = await location.open();
    try {
      const log = await new AuditRepository(db.db).latest(3);
      expect(log[0]).toMatchObject({ actor: 'cli', action: 'directory.import', details: { unchanged: 54, replace: true } });
    } finally {
      await db.close();
    }
  });

  it('explains its usage', () => {
    expect(cli(['directory:import'], location.env)).toMatchObject({ code: 2, err: 'Uso: directory:import ARCHIVO [--replace] [--dry-run]\n' });
    expect(cli(['help'], location.env).out).toMatch(/directory:import ARCHIVO \[--replace\][\s\S]*directory:export \[ARCHIVO\]/);
  });
});
