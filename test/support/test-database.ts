import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
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

export interface DatabaseLocation {
  /** `DATABASE_URL` or `DATA_DIR`, for an application or CLI that opens its database from config. */
  env: Record<string, string>;
  /** Opens that database directly (for checks from the test). */
  open(): Promise<Database>;
  dispose(): Promise<void>;
}

/**
 * A database the code under test opens by itself, as in production: a fresh server database
 * (when TEST_DATABASE_URL is set) or a fresh PGlite directory.
 */
export async function makeDatabaseLocation(prefix: string): Promise<DatabaseLocation> {
  if (defaultBackend() === 'postgres') {
    const t = await openTestDatabase('postgres');
    await t.database.close();
    const url = t.url as string;
    return { env: { DATABASE_URL: url }, open: () => Database.open({ url, dataDir: 'unused' }), dispose: () => t.dispose() };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `ventanilla-${prefix}-`));
  return {
    env: { DATA_DIR: dir },
    open: () => Database.open({ dataDir: dir }),
    dispose: async () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}
