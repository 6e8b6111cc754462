import fs from 'node:fs';
import path from 'node:path';
import { PGlite, type PGliteOptions, type QueryOptions, type Results } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { drizzle as drizzleNodePg } from 'drizzle-orm/node-postgres';
import { migrate as migrateNodePg } from 'drizzle-orm/node-postgres/migrator';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { Client, Pool } from 'pg';
import * as schema from './schema';

/**
 * PGlite runs PostgreSQL on this thread. Its queue of queries resolves through promise callbacks
 * only, so under load it could keep the event loop from ever reaching I/O (new connections would
 * wait seconds to be accepted). Each query first yields to the event loop.
 */
class YieldingPGlite extends PGlite {
  override async query<T>(query: string, params?: unknown[], options?: QueryOptions): Promise<Results<T>> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    return super.query<T>(query, params, options);
  }
}

/** PostgreSQL settings for the embedded database: a small shared buffer pool keeps its memory modest. */
const PGLITE_OPTIONS: PGliteOptions = { startParams: [...PGlite.defaultStartParams, '-c', 'shared_buffers=16MB'] };

/** The Drizzle handle every repository receives: the same type for PGlite and node-postgres. */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

/** A PostgreSQL session advisory lock held on its own connection until released (or the connection is lost). */
export interface HeldLock {
  /** Resolves when the lock is gone without release() (the connection died): stop the work it guards. */
  readonly lost: Promise<void>;
  release(): Promise<void>;
}

type LockFn = (key: string) => Promise<HeldLock | null>;

export interface DatabaseOptions {
  /** PostgreSQL server URL; when absent, PGlite under `dataDir` is used. */
  url?: string | undefined;
  /** Directory for the embedded database (`<dataDir>/pgdata`). `memory://` keeps it in memory (tests). */
  dataDir: string;
  poolMax?: number;
}

/**
 * One database connection for the process: a node-postgres pool or an embedded PGlite.
 * PGlite serves one connection: it runs queries and transactions one at a time through its
 * own mutex, so concurrent callers queue there rather than interleaving.
 */
export class Database {
  private closed = false;

  private constructor(
    readonly db: Db,
    readonly kind: 'postgres' | 'pglite',
    private readonly closeFn: () => Promise<void>,
    private readonly migrateFn: (folder: string) => Promise<void>,
    /** Where the embedded data lives, or the server URL without credentials. */
    readonly location: string,
    private readonly runFn: (name: string, text: string, values: unknown[]) => Promise<unknown[]>,
    private readonly listenFn: ListenFn,
    private readonly lockFn: LockFn,
  ) {}

  /**
   * Takes the session advisory lock `hashtext(key)` without waiting, for a singleton that runs as long as it holds it
   * (an IMAP mailbox reader): null when another instance holds it. On the server the lock lives on a dedicated
   * connection; embedded, the process is the only instance and the lock is kept in memory.
   */
  async tryLock(key: string): Promise<HeldLock | null> {
    return this.lockFn(key);
  }

  /**
   * Subscribes to a PostgreSQL NOTIFY channel. On the server a dedicated connection listens and
   * reconnects with backoff; `onResync` runs after each reconnect, because notifications sent while
   * it was down are lost and the subscriber must re-read what it follows. Returns the unsubscribe.
   */
  async listen(channel: string, onMessage: (payload: string) => void, onResync?: () => void): Promise<() => Promise<void>> {
    if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error(`Database.listen(): invalid channel name "${channel}"`);
    return this.listenFn(channel, onMessage, onResync ?? (() => undefined));
  }

  /**
   * Runs one hot-path statement with parameters. On the server it is a named prepared statement
   * (parsed and planned once per connection, not on every turn); PGlite runs it directly.
   * Repositories use it for the few statements every turn makes; everything else goes through Drizzle.
   */
  async run<T>(name: string, text: string, values: unknown[]): Promise<T[]> {
    return (await this.runFn(name, text, values)) as T[];
  }

  static async open(options: DatabaseOptions): Promise<Database> {
    if (options.url) {
      const pool = new Pool({ connectionString: options.url, max: options.poolMax ?? 10 });
      // An idle client that errors (server restart) must not crash the process; the pool replaces it.
      pool.on('error', () => undefined);
      const db = drizzleNodePg(pool, { schema });
      const migrateFn = async (folder: string): Promise<void> => {
        // Several instances may start at once: one migrates, the others wait on the advisory lock.
        const client = await pool.connect();
        try {
          await client.query('select pg_advisory_lock(7172001)');
          await migrateNodePg(db, { migrationsFolder: folder });
        } finally {
          await client.query('select pg_advisory_unlock(7172001)').catch(() => undefined);
          client.release();
        }
      };
      const run = async (name: string, text: string, values: unknown[]) => (await pool.query({ name, text, values })).rows;
      const listeners = new ServerListeners(options.url);
      const close = async () => {
        await listeners.close();
        await pool.end();
      };
      const locks = new Set<Client>();
      const lock: LockFn = async (key) => {
        // Keep-alive probes notice a server that vanished without closing the socket.
        const client = new Client({ connectionString: options.url, keepAlive: true, keepAliveInitialDelayMillis: 10_000, connectionTimeoutMillis: 10_000 });
        let lostResolve: () => void = () => undefined;
        const lost = new Promise<void>((resolve) => (lostResolve = resolve));
        let released = false;
        client.on('error', () => undefined);
        client.on('end', () => {
          locks.delete(client);
          if (!released) lostResolve();
        });
        let rows: Array<{ ok: boolean }>;
        try {
          await client.connect();
          ({ rows } = await client.query<{ ok: boolean }>('select pg_try_advisory_lock(hashtext($1)) as ok', [key]));
        } catch (err) {
          released = true;
          await client.end().catch(() => undefined);
          throw err;
        }
        if (!rows[0]?.ok) {
          released = true;
          await client.end().catch(() => undefined);
          return null;
        }
        locks.add(client);
        return {
          lost,
          release: async () => {
            released = true;
            locks.delete(client);
            await client.end().catch(() => undefined);
          },
        };
      };
      const closeAll = async () => {
        await Promise.all([...locks].map((c) => c.end().catch(() => undefined)));
        await close();
      };
      return new Database(db, 'postgres', closeAll, migrateFn, redactUrl(options.url), run, (c, m, r) => listeners.add(c, m, r), lock);
    }
    const dir = options.dataDir === 'memory://' ? undefined : path.resolve(options.dataDir, 'pgdata');
    if (dir) fs.mkdirSync(dir, { recursive: true });
    const client = new YieldingPGlite(dir ?? 'memory://', PGLITE_OPTIONS);
    await client.waitReady;
    const db = drizzlePglite(client, { schema });
    return new Database(
      db,
      'pglite',
      () => client.close(),
      (folder) => migratePglite(db, { migrationsFolder: folder }),
      dir ?? 'memory://',
      async (_name, text, values) => (await client.query(text, values)).rows,
      async (channel, onMessage) => {
        // In-process: notifications arrive from this same PGlite, never lost to a reconnect.
        const stop = await client.listen(channel, onMessage);
        return async () => {
          if (!client.closed) await stop();
        };
      },
      (() => {
        const held = new Set<string>();
        return async (key: string) => {
          if (held.has(key)) return null;
          held.add(key);
          return { lost: new Promise<void>(() => undefined), release: async () => void held.delete(key) };
        };
      })(),
    );
  }

  /** Applies every pending SQL migration in models/migrations. */
  async migrate(): Promise<void> {
    await this.migrateFn(migrationsFolder());
  }

  /** True when a trivial query succeeds. */
  async ping(): Promise<boolean> {
    if (this.closed) return false;
    try {
      await this.db.execute(sql`select 1`);
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.closeFn();
  }
}

type ListenFn = (channel: string, onMessage: (payload: string) => void, onResync: () => void) => Promise<() => Promise<void>>;

interface Subscription {
  channel: string;
  onMessage: (payload: string) => void;
  onResync: () => void;
}

/** One LISTEN connection to the server for every subscription of this process, reconnecting with backoff. */
class ServerListeners {
  private client: Client | undefined;
  private connecting: Promise<void> | undefined;
  private readonly subs = new Set<Subscription>();
  private closed = false;
  private retryMs = 500;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly url: string) {}

  async add(channel: string, onMessage: (payload: string) => void, onResync: () => void): Promise<() => Promise<void>> {
    const sub: Subscription = { channel, onMessage, onResync };
    this.subs.add(sub);
    await this.ensureConnected();
    if (this.client && this.countChannel(channel) === 1) await this.client.query(`LISTEN ${channel}`);
    return async () => {
      this.subs.delete(sub);
      if (this.client && this.countChannel(channel) === 0) await this.client.query(`UNLISTEN ${channel}`).catch(() => undefined);
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private countChannel(channel: string): number {
    let n = 0;
    for (const s of this.subs) if (s.channel === channel) n++;
    return n;
  }

  private ensureConnected(): Promise<void> {
    if (this.client || this.closed) return Promise.resolve();
    // A failed first connection is retried in the background like a lost one.
    this.connecting ??= this.connect().catch(() => this.scheduleReconnect()).finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private async connect(): Promise<void> {
    const client = new Client({ connectionString: this.url });
    client.on('notification', (msg) => {
      for (const s of this.subs) if (s.channel === msg.channel) s.onMessage(msg.payload ?? '');
    });
    const lost = () => {
      if (this.client !== client) return;
      this.client = undefined;
      client.end().catch(() => undefined);
      this.scheduleReconnect();
    };
    client.on('error', lost);
    client.on('end', lost);
    await client.connect();
    for (const channel of new Set([...this.subs].map((s) => s.channel))) await client.query(`LISTEN ${channel}`);
    this.client = client;
    this.retryMs = 500;
  }

  private scheduleReconnect(): void {
    if (this.closed) return;
    this.timer = setTimeout(() => {
      this.connect()
        .then(() => {
          for (const s of this.subs) s.onResync();
        })
        .catch(() => {
          this.retryMs = Math.min(this.retryMs * 2, 30_000);
          this.scheduleReconnect();
        });
    }, this.retryMs);
    this.timer.unref();
  }
}

function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://…';
  }
}

/** models/migrations, found from the source tree or from dist/. */
export function migrationsFolder(): string {
  const candidates = [
    path.resolve(__dirname, 'migrations'),
    path.resolve(__dirname, '..', '..', 'models', 'migrations'),
  ];
  const found = candidates.find((c) => fs.existsSync(path.join(c, 'meta', '_journal.json')));
  if (!found) throw new Error(`Database.migrate(): migrations folder not found (looked in ${candidates.join(', ')})`);
  return found;
}
