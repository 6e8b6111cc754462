import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRepositories } from '../../models';
import { smallCatalog } from '../support/catalog-fixture';
import { type DatabaseLocation, defaultBackend, makeDatabaseLocation } from '../support/test-database';

const root = path.resolve(__dirname, '..', '..');

function cli(args: string[], env: Record<string, string>, input?: string) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'app/cli.ts'), ...args], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', DOTENV_CONFIG_QUIET: 'true', LOG_LEVEL: 'silent', ...env },
    encoding: 'utf8',
    timeout: 90_000,
    ...(input !== undefined ? { input } : {}),
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe(`catalog CLI on ${defaultBackend()}`, () => {
  let location: DatabaseLocation;
  let dir: string;

  beforeAll(async () => {
    location = await makeDatabaseLocation('catalog-cli');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ventanilla-catalog-'));
  });
  afterAll(async () => {
    await location.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('rejects a malformed file with the path of each problem and imports nothing', async () => {
    const file = path.join(dir, 'malo.json');
    const bad = smallCatalog() as unknown as { services: Record<string, unknown>[] };
    bad.services[1]!.kind = 'queja';
    bad.services[2]!.code = 'CORREO-CONTRASENA';
    bad.services[0]!.sinonimos = ['x'];
    fs.writeFileSync(file, JSON.stringify(bad));
    const r = cli(['catalog:import', file], location.env);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/services\[0\]\.sinonimos: campo desconocido \/ unknown field/);
    expect(r.err).toMatch(/services\[1\]\.kind: valor no permitido/);
    const db = await location.open();
    try {
      expect(await createRepositories(db).catalog.latestVersionNumber()).toBeNull();
    } finally {
      await db.close();
    }
  });

  it('imports, routes one text and a batch file in order, and exports the same catalog', () => {
    const file = path.join(dir, 'catalogo.json');
    fs.writeFileSync(file, JSON.stringify(smallCatalog(), null, 2));
    const imported = cli(['catalog:import', file, '--note', 'prueba'], location.env);
    expect(imported.err).toBe('');
    expect(imported.out).toMatch(/Catálogo publicado: versión 1 \(3 servicios/);

    const one = cli(['catalog:route', 'no', 'me', 'conecta', 'el', 'wi', 'fi'], location.env);
    expect(one.code).toBe(0);
    expect(JSON.parse(one.out)).toMatchObject({ text: 'no me conecta el wi fi', decision: 'service', code: 'RED-WIFI' });

    const batch = path.join(dir, 'frases.txt');
    fs.writeFileSync(batch, 'olvidé mi contraseña del correo\n¿cuándo pagan la beca?\n\nhorario de atención del centro\n');
    const many = cli(['catalog:route', '--file', batch], location.env);
    expect(many.code).toBe(0);
    const lines = many.out.trim().split('\n').map((l) => JSON.parse(l) as { text: string; decision: string; code: string | null });
    expect(lines.map((l) => [l.text, l.decision, l.code])).toEqual([
      ['olvidé mi contraseña del correo', 'service', 'CORREO-CONTRASENA'],
      ['¿cuándo pagan la beca?', 'out_of_scope', null],
      ['', 'out_of_scope', null],
      ['horario de atención del centro', 'informative', 'HORARIO-CAU'],
    ]);
    const piped = cli(['catalog:route', '--file', '-'], location.env, 'olvidé mi contraseña del correo\n');
    expect(JSON.parse(piped.out)).toMatchObject({ code: 'CORREO-CONTRASENA' });

    const out = path.join(dir, 'exportado.json');
    expect(cli(['catalog:export', out], location.env).code).toBe(0);
    expect(JSON.parse(fs.readFileSync(out, 'utf8'))).toEqual(smallCatalog());
    const again = cli(['catalog:import', out, '--draft'], location.env);
    expect(again.out).toMatch(/importado como borrador/);
    expect(JSON.parse(cli(['catalog:export', '--draft'], location.env).out)).toEqual(smallCatalog());
  });
});
