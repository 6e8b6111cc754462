import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { createRepositories, HealthRepository } from '../../models';
import { type DatabaseLocation, defaultBackend, makeDatabaseLocation } from '../support/test-database';

const root = path.resolve(__dirname, '..', '..');

/** Runs `app/cli.ts` as `npm run cli` would (through tsx, so no build is needed in tests). */
function cli(args: string[], env: Record<string, string>) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'app/cli.ts'), ...args], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', DOTENV_CONFIG_QUIET: 'true', LOG_LEVEL: 'silent', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe(`health:check on ${defaultBackend()}`, () => {
  const locations: DatabaseLocation[] = [];
  afterAll(async () => {
    for (const l of locations) await l.dispose();
  });

  it('prints the stored run as JSON, audits it, and refuses a second run right after', async () => {
    const location = await makeDatabaseLocation('health-cli');
    locations.push(location);
    const r = cli(['health:check', '--json'], location.env);
    const run = JSON.parse(r.out) as { id: number; kind: string; checkedBy: string; ok: boolean; results: Array<{ name: string; status: string }> };
    expect(r.code).toBe(run.ok ? 0 : 1);
    expect(run).toMatchObject({ kind: 'manual', checkedBy: 'cli' });
    expect(run.results.find((x) => x.name === 'database')?.status).toBe('ok');
    expect(run.results.find((x) => x.name === 'twilio')?.status).toBe('skipped');
    const db = await location.open();
    try {
      expect((await new HealthRepository(db).get(run.id))?.results).toEqual(run.results);
      expect((await createRepositories(db).audit.latest()).some((a) => a.action === 'health.check' && a.actor === 'cli' && a.target === String(run.id))).toBe(true);
    } finally {
      await db.close();
    }
    const again = cli(['health:check'], location.env);
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/^La revisión anterior fue hace menos de 30 s/);
  });

  it('lists each check and exits 1 when one failed', async () => {
    const location = await makeDatabaseLocation('health-cli');
    locations.push(location);
    const r = cli(['health:check'], { ...location.env, SMTP_URL: 'smtp://mesa%40cau.test:clave-secreta-smtp@127.0.0.1:9', SMTP_FROM: 'mesa@cau.test' });
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^✗ falla\s+smtp\s+\d+ ms {2}No se pudo conectar con el servidor SMTP 127\.0\.0\.1:9 \(ECONNREFUSED\)\.$/m);
    expect(r.out).toMatch(/^✓ correcto\s+database\s+/m);
    expect(r.out).toMatch(/^CON FALLAS: \d+ correctas, \d+ advertencias, [1-9]\d* fallas, 5 omitidas\. Revisión \d+ guardada\.$/m);
    expect(r.out + r.err).not.toContain('clave-secreta-smtp');
  });
});
