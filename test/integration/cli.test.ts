import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { createRepositories } from '../../models';
import { UserService } from '../../services/users/user.service';
import { type DatabaseLocation, defaultBackend, makeDatabaseLocation, openTestDatabase } from '../support/test-database';

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

describe(`CLI on ${defaultBackend()}`, () => {
  let location: DatabaseLocation;
  let env: Record<string, string>;
  const open = () => location.open();

  beforeAll(async () => {
    location = await makeDatabaseLocation('cli');
    env = location.env;
  });
  afterAll(() => location.dispose());

  it('db:migrate applies the migrations', () => {
    const r = cli(['db:migrate'], env);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^Migraciones aplicadas en (pglite|postgres)/);
  });

  it('user:create stores an argon2id hash that verifies, and refuses a duplicate', async () => {
    const r = cli(['user:create', '--email', 'Agente.Uno@Ejemplo.gob.mx', '--role', 'agent', '--password', 'contraseña-segura-123'], env);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Usuario creado: agente\.uno@ejemplo\.gob\.mx \(agent\)/);
    expect(r.out).not.toMatch(/Contraseña generada/);
    const dup = cli(['user:create', '--email', 'agente.uno@ejemplo.gob.mx', '--role', 'coordinator', '--password', 'otra-contraseña-123'], env);
    expect(dup.code).toBe(1);
    expect(dup.err).toMatch(/Ya existe un usuario con el correo/);

    const db = await open();
    try {
      const repos = createRepositories(db);
      const row = await repos.users.findByEmail('agente.uno@ejemplo.gob.mx');
      expect(row?.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
      const users = new UserService(repos.users, repos.audit);
      expect(await users.verifyPassword('agente.uno@ejemplo.gob.mx', 'contraseña-segura-123')).toMatchObject({ role: 'agent' });
      expect(await users.verifyPassword('agente.uno@ejemplo.gob.mx', 'incorrecta')).toBeNull();
      const audit = await repos.audit.latest();
      expect(audit.some((a) => a.action === 'user.create' && a.actor === 'cli')).toBe(true);
    } finally {
      await db.close();
    }
  });

  it('user:create --phone stores where the agent takes calls, and refuses an address that cannot be dialled', async () => {
    const r = cli(['user:create', '--email', 'agente.tel@ejemplo.gob.mx', '--role', 'agent', '--phone', '55 1234 5678', '--password', 'contraseña-segura-123'], env);
    expect(r.code).toBe(0);
    const bad = cli(['user:create', '--email', 'agente.mal@ejemplo.gob.mx', '--role', 'agent', '--phone', '1234', '--password', 'contraseña-segura-123'], env);
    expect(bad.code).not.toBe(0);
    expect(bad.err).toMatch(/Teléfono para llamadas inválido/);
    const db = await open();
    try {
      const repos = createRepositories(db);
      expect((await repos.users.findByEmail('agente.tel@ejemplo.gob.mx'))?.voiceRoute).toBe('+525512345678');
      expect(await repos.users.findByEmail('agente.mal@ejemplo.gob.mx')).toBeNull();
    } finally {
      await db.close();
    }
  });

  it('user:create without --password prints a generated one that works', async () => {
    const r = cli(['user:create', '--email', 'coord@ejemplo.gob.mx', '--role', 'coordinator'], env);
    expect(r.code).toBe(0);
    const password = /Contraseña generada \(se muestra una sola vez\): (\S+)/.exec(r.out)?.[1];
    expect(password).toHaveLength(20);
    const db = await open();
    try {
      const repos = createRepositories(db);
      expect(await new UserService(repos.users, repos.audit).verifyPassword('coord@ejemplo.gob.mx', password as string)).not.toBeNull();
    } finally {
      await db.close();
    }
  });

  it('user:create --role resolver needs --group, stores the group, and refuses a group for other roles', async () => {
    const args = ['user:create', '--email', 'resolutor@ejemplo.gob.mx', '--role', 'resolver', '--password', 'contraseña-segura-123'];
    expect(cli(args, env)).toMatchObject({ code: 2, err: expect.stringMatching(/Un resolver necesita su grupo resolutor: agregue --group "Nombre del grupo"/) });
    expect(cli([...args, '--group', '   '], env)).toMatchObject({ code: 2 });
    const ok = cli([...args, '--group', 'Correo institucional'], env);
    expect(ok.err).toBe('');
    expect(ok.out).toMatch(/Usuario creado: resolutor@ejemplo\.gob\.mx \(resolver, grupo «Correo institucional»\)/);
    const agent = cli(['user:create', '--email', 'agente.dos@ejemplo.gob.mx', '--role', 'agent', '--group', 'Redes', '--password', 'contraseña-segura-123'], env);
    expect(agent).toMatchObject({ code: 1, err: expect.stringMatching(/El grupo resolutor solo aplica al rol resolver/) });

    const db = await open();
    try {
      const repos = createRepositories(db);
      expect(await repos.users.findByEmail('resolutor@ejemplo.gob.mx')).toMatchObject({ role: 'resolver', resolverGroup: 'Correo institucional' });
      expect(await repos.users.findByEmail('agente.dos@ejemplo.gob.mx')).toBeNull();
      expect(await repos.users.findByEmail('agente.uno@ejemplo.gob.mx')).toMatchObject({ resolverGroup: null });
    } finally {
      await db.close();
    }
  });

  it('explains bad input: unknown role, short password, missing options, unknown command', () => {
    expect(cli(['user:create', '--email', 'x@y.mx', '--role', 'jefe'], env)).toMatchObject({ code: 1, err: expect.stringMatching(/Rol inválido/) });
    expect(cli(['user:create', '--email', 'x@y.mx', '--role', 'agent', '--password', 'corta'], env)).toMatchObject({ code: 1, err: expect.stringMatching(/al menos 12/) });
    expect(cli(['user:create', '--email', 'x@y.mx'], env)).toMatchObject({ code: 2, err: expect.stringMatching(/Faltan --email y --role/) });
    expect(cli(['borrar-todo'], env)).toMatchObject({ code: 2, err: expect.stringMatching(/Comando desconocido/) });
    expect(cli(['db:migrate'], { ...env, PORT: 'abc' })).toMatchObject({ code: 1, err: expect.stringMatching(/PORT/) });
  });
});

describe('resolver accounts', () => {
  it('need a resolver group in the service too, not only in the CLI', async () => {
    const t = await openTestDatabase();
    try {
      const repos = createRepositories(t.database);
      const users = new UserService(repos.users, repos.audit);
      const base = { email: 'r@ejemplo.mx', role: 'resolver', password: 'contraseña-larga-123', actor: 'test' };
      await expect(users.create(base)).rejects.toMatchObject({ code: 'user/invalid_input', message: expect.stringMatching(/^Un resolutor debe pertenecer a un grupo resolutor/) });
      await expect(users.create({ ...base, resolverGroup: 'x'.repeat(121) })).rejects.toMatchObject({ code: 'user/invalid_input' });
      const created = await users.create({ ...base, resolverGroup: '  Redes y telecomunicaciones ' });
      expect(created.user).toMatchObject({ role: 'resolver', resolverGroup: 'Redes y telecomunicaciones' });
      expect((await repos.audit.latest()).find((a) => a.action === 'user.create')?.details).toMatchObject({ resolverGroup: 'Redes y telecomunicaciones' });
    } finally {
      await t.dispose();
    }
  });
});

describe('first admin', () => {
  it('is created once: with a generated password when none is configured', async () => {
    const t = await openTestDatabase();
    try {
      const repos = createRepositories(t.database);
      const users = new UserService(repos.users, repos.audit);
      const first = await users.ensureInitialAdmin(undefined, undefined);
      expect(first?.user.role).toBe('admin');
      expect(first?.generatedPassword).toHaveLength(20);
      expect(await users.verifyPassword(first?.user.email as string, first?.generatedPassword as string)).not.toBeNull();
      expect(await users.ensureInitialAdmin('otro@ejemplo.mx', 'contraseña-larga-123')).toBeNull();
    } finally {
      await t.dispose();
    }
  });
});
