import { channelStatus, ConfigError, loadConfig } from './config';
import { createApplication } from './container';
import { createLogger } from './logger';

/** Starts Ventanilla: config → application → first admin → listen; SIGTERM/SIGINT stop it gracefully. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  process.env.TZ = config.tz;
  const logger = createLogger(config.logLevel);

  for (const c of channelStatus(config)) {
    logger.info({ channel: c.channel, enabled: c.enabled }, `canal ${c.channel}: ${c.reason}`);
  }
  if (!config.botFramework.appId && config.env !== 'development') {
    logger.warn(
      '¡ATENCIÓN! MicrosoftAppId no está definido: /api/messages acepta solicitudes SIN autenticar. ' +
        'Defina MicrosoftAppId y MicrosoftAppPassword antes de exponer este servidor.',
    );
  }

  const app = await createApplication(config, logger);
  logger.info({ database: app.database.kind, location: app.database.location }, 'base de datos lista (migraciones aplicadas)');

  const admin = await app.users.ensureInitialAdmin(config.admin.email, config.admin.password);
  if (admin?.generatedPassword) {
    // Shown once, on the terminal only; it is never logged or stored in clear.
    process.stderr.write(
      `\n  Se creó el usuario administrador ${admin.user.email}.\n  Contraseña generada (se muestra una sola vez): ${admin.generatedPassword}\n\n`,
    );
  } else if (admin) {
    logger.info({ email: admin.user.email }, 'usuario administrador creado con ADMIN_EMAIL/ADMIN_PASSWORD');
  }

  await new Promise<void>((resolve) => app.server.listen(config.port, config.host ?? '0.0.0.0', () => resolve()));
  logger.info({ url: app.server.url }, `${config.bot.name} escuchando; chat web en http://localhost:${config.port}/`);

  const stop = (signal: string) => {
    app
      .shutdown(signal)
      .then(() => process.exit(0))
      .catch((err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

main().catch((err: unknown) => {
  process.stderr.write(`No se pudo iniciar Ventanilla: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
