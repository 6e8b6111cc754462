import type { Database } from '../models';
import type { HealthSettings } from '../services/health/health-check';
import type { Config } from './config';

/**
 * What the health check checks, from the configuration (the application and `health:check` share it): every
 * configured channel's credentials, the PBX route, the maximum wait, and the disk of the embedded data
 * (`DATA_DIR`) or, on a PostgreSQL server, of the working directory — unless `HEALTH_DISK_PATH` says where.
 */
export function healthSettings(config: Config, database: Pick<Database, 'kind'>): HealthSettings {
  return {
    twilio: config.twilio,
    pbxSipDomain: config.voice.pbxSipDomain,
    imap: config.imap?.mailboxes ?? [],
    smtpUrl: config.smtp?.url ?? null,
    messenger: config.facebook,
    x: config.x,
    maxWaitSeconds: config.handoff.maxWaitSeconds,
    diskPath: config.health.diskPath ?? (database.kind === 'pglite' ? config.dataDir : process.cwd()),
  };
}
