import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { Database } from '../../models';

/** The backends integration tests run on: always PGlite; the PostgreSQL server too when TEST_DATABASE_URL is set. */
export function testBackends(): Array<'pglite' | 'postgres'> {
  return process.env.TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];
}

/** The backend for tests that run once: the server when TEST_DATABASE_URL is set, else PGlite. */
export function defaultBackend(): 'pglite' | 'postgres' {
  return process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite';
}

export interface TestDatabase {
  database: Database;
  /** URL of the fresh server database (postgres backend only). */
  url: string | undefined;
  dispose(): Promise<void>;
}

/**
 * A fresh, migrated database: in-memory PGlite, or a new database created on the server named by
 * TEST_DATABASE_URL (dropped on dispose), so test files never share state.
 */
export async function openTestDatabase(backend: 'pglite' | 'postgres' = defaultBackend()): Promise<TestDatabase> {
  if (backend === 'pglite') {
    const database = await Database.open({ dataDir: 'memory://' });
    await database.migrate();
    return { database, url: undefined, dispose: () => database.close() };
  }
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) throw new Error('openTestDatabase(): TEST_DATABASE_URL is not set');
  const name = `ventanilla_t_${randomBytes(6).toString('hex')}`;
  await withAdmin(adminUrl, (c) => c.query(`create database ${name}`));
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  const url = u.toString();
  const database = await Database.open({ dataDir: 'unused', url, poolMax: 20 });
  await database.migrate();
  return {
    database,
    url,
    dispose: async () => {
      await database.close();
      await withAdmin(adminUrl, (c) => c.query(`drop database if exists ${name} with (force)`));
    },
  };
}

async function withAdmin(url: string, fn: (c: Client) => Promise<unknown>): Promise<void> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    await fn(c);
  } finally {
    await c.end();
  }
}
