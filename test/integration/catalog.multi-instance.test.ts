import { spawn } from 'node:child_process';
import path from 'node:path';
import { service, smallCatalog } from '../support/catalog-fixture';
import { ConsoleSession } from '../support/console-session';
import { startApp } from '../support/harness';
import { makeDatabaseLocation } from '../support/test-database';

const root = path.resolve(__dirname, '..', '..');
const onServer = process.env.TEST_DATABASE_URL ? describe : describe.skip;

// Two processes can share only a PostgreSQL server (PGlite is in-process), so this runs on the server.
onServer('a publish reaches another running instance', () => {
  it('switches the second process to the new version within seconds, without failing a request', async () => {
    const location = await makeDatabaseLocation('multi');
    const port = 30000 + Math.floor(Math.random() * 20000);
    const env = { ...location.env, ADMIN_EMAIL: 'admin@cau.mx', ADMIN_PASSWORD: 'contraseña-segura-123' };
    const a = await startApp({ env });
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'app/main.ts')], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', ...env, PORT: String(port), LOG_LEVEL: 'info', DOTENV_CONFIG_QUIET: 'true', NODE_ENV: 'test', SECRET_KEY: 'test-secret-key-0123456789abcdef0123456789' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const b = `http://127.0.0.1:${port}`;
    try {
      const deadline = Date.now() + 60_000;
      while (!(await fetch(`${b}/ready`).then((r) => r.ok, () => false))) {
        if (Date.now() > deadline) throw new Error(`second instance did not start:\n${out}`);
        await new Promise((r) => setTimeout(r, 250));
      }
      const onA = await ConsoleSession.login(a.baseUrl, 'admin@cau.mx', 'contraseña-segura-123');
      const onB = await ConsoleSession.login(b, 'admin@cau.mx', 'contraseña-segura-123');
      const text = 'necesito reservar una sala de videoconferencia para un examen de grado';

      // B keeps routing while A publishes: every answer is a 200, first from the old version, then the new.
      const seen: string[] = [];
      let stop = false;
      let failures = 0;
      const loop = (async () => {
        while (!stop) {
          const r = await onB.request('POST', '/api/catalog/route', { text });
          if (r.status !== 200) failures++;
          seen.push(r.headers.get('x-catalog-version') ?? '?');
        }
      })();
      await new Promise((r) => setTimeout(r, 300));
      const catalog = smallCatalog();
      catalog.services.push(
        service('VIDEO-SALA', 'Reservación de sala de videoconferencia', 'Videoconferencia', {
          examples: ['quiero reservar la sala de videoconferencia', 'necesito una sala para videollamada', 'apartar sala de videoconferencia para un examen'],
        }),
      );
      const published = Date.now();
      expect((await onA.request('POST', '/api/catalog/import', catalog)).status).toBe(201);
      let pickedUp = 0;
      while (Date.now() - published < 10_000) {
        const r = await onB.request('POST', '/api/catalog/route', { text });
        if ((r.body as { code: string }).code === 'VIDEO-SALA') {
          pickedUp = Date.now() - published;
          break;
        }
        await new Promise((r) => setTimeout(r, 50));
      }
      stop = true;
      await loop;
      expect(pickedUp).toBeGreaterThan(0);
      expect(pickedUp).toBeLessThan(10_000);
      expect(failures).toBe(0);
      expect(seen[0]).toBe('1');
      expect(seen[seen.length - 1]).toBe('2');
      expect(out).toMatch(/catálogo cargado en el enrutador.*"version":2|"version":2.*catálogo cargado en el enrutador/);
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      await a.stop();
      await location.dispose();
    }
  }, 120_000);
});
