import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { loadConfig, type Config } from '../../app/config';
import { createApplication, type Application, type ApplicationOverrides, type Clock } from '../../app/container';
import type { Database } from '../../models';
import { openTestDatabase, type TestDatabase } from './test-database';

export interface RunningApp {
  app: Application;
  baseUrl: string;
  wsUrl: string;
  /** Stops the server; keeps the database unless `dropDatabase` (the default) is true. */
  stop(options?: { dropDatabase?: boolean }): Promise<void>;
}

/** A config for tests: defaults plus `env` overrides, never the developer's real environment. */
export function testConfig(env: Record<string, string> = {}): Config {
  // The call-back, monthly-report and health-check schedulers run only when a test asks for it (`CALLBACK_TICK_MS`) or calls `tick()` itself.
  return loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', SECRET_KEY: 'test-secret-key-0123456789abcdef0123456789', CALLBACK_TICK_MS: '0', REPORT_TICK_MS: '0', HEALTH_TICK_MS: '0', ...env });
}

/**
 * Starts the whole application on port 0 over a fresh test database (PGlite, or the server in
 * TEST_DATABASE_URL), or over `database` when given (restart tests reuse one).
 */
export async function startApp(
  options: { env?: Record<string, string>; clock?: Clock; database?: Database; testDatabase?: TestDatabase; overrides?: ApplicationOverrides } = {},
): Promise<RunningApp & { testDatabase: TestDatabase | undefined }> {
  const config = testConfig(options.env);
  // With DATA_DIR or DATABASE_URL in env the application opens its database from config, as in production.
  const fromConfig = Boolean(options.env?.DATA_DIR || options.env?.DATABASE_URL);
  const testDatabase =
    options.database || fromConfig ? options.testDatabase : (options.testDatabase ?? (await openTestDatabase()));
  const database = options.database ?? testDatabase?.database;
  const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const app = await createApplication(config, logger, {
    ...(database ? { database } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
    defaultMetrics: false,
    ...options.overrides,
  });
  await new Promise<void>((resolve) => app.server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = app.server.address() as AddressInfo;
  return {
    app,
    testDatabase,
    baseUrl: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}`,
    stop: async ({ dropDatabase = true } = {}) => {
      if (dropDatabase) {
        await app.shutdown('test');
        await testDatabase?.dispose();
      } else {
        await stopWithoutClosingDatabase(app);
      }
    },
  };
}

/** Closes the HTTP server and streams but leaves the database open (to start a second instance on it). */
async function stopWithoutClosingDatabase(app: Application): Promise<void> {
  app.streams.close();
  app.agentSockets.close();
  await app.catalogRouter.stop();
  await app.handoff.stop();
  await app.callbackScheduler?.stop();
  const closed = new Promise<void>((resolve) => app.server.close(() => resolve()));
  await app.tracker.drain(5000);
  app.server.server.closeAllConnections();
  await closed;
}
