import { parseArgs } from 'node:util';
import { createRepositories, HealthRepository, type Database } from '../models';
import { HealthCheckService, HealthError } from '../services/health/health-check';
import { countStatuses } from '../services/health/health-rules';
import type { Config } from './config';
import { healthSettings } from './health-settings';

type WithDatabase = <T>(fn: (db: Database) => Promise<T>) => Promise<T>;

export const HEALTH_USAGE = `  health:check [--json]                        revisa la salud del sistema ahora (base de datos, canales,
                                               conmutador, colas, disco), la guarda como revisión manual y la
                                               muestra (con --json, en JSON); termina con código 1 si algo falló
`;

const MARKS: Record<string, string> = { ok: '✓ correcto   ', warn: '⚠ advertencia', fail: '✗ falla      ', skipped: '– omitida    ' };

/** `health:check [--json]`: runs every check (kind manual, by `cli`), stores and prints it; exit 1 when a check failed. */
export async function healthCheck(args: string[], config: Config, withDatabase: WithDatabase): Promise<number> {
  const { values } = parseArgs({ args, options: { json: { type: 'boolean' } }, strict: true });
  const errors: string[] = [];
  const outcome = await withDatabase(async (db) => {
    const health = new HealthCheckService({
      repo: new HealthRepository(db),
      audit: createRepositories(db).audit,
      clock: { now: () => new Date() },
      logger: { info: () => undefined, warn: () => undefined, error: (obj, msg) => void errors.push(msg ?? String(obj)) },
      settings: healthSettings(config, db),
    });
    try {
      return await health.runManual('cli');
    } catch (err) {
      if (err instanceof HealthError) return err;
      throw err;
    }
  });
  if (outcome instanceof HealthError) {
    console.error(outcome.message);
    return 1;
  }
  if (values.json) {
    console.log(JSON.stringify(outcome, null, 2));
  } else {
    const width = Math.max(...outcome.results.map((r) => r.name.length));
    for (const r of outcome.results) console.log(`${MARKS[r.status] ?? r.status}  ${r.name.padEnd(width)}  ${String(r.ms).padStart(5)} ms  ${r.detail}`);
    const c = countStatuses(outcome.results);
    console.log(`\n${outcome.ok ? 'Sin fallas' : 'CON FALLAS'}: ${c.ok} correctas, ${c.warn} advertencias, ${c.fail} fallas, ${c.skipped} omitidas.${outcome.id === null ? ' (No se pudo guardar la revisión.)' : ` Revisión ${outcome.id} guardada.`}`);
  }
  for (const e of errors) console.error(e);
  return outcome.ok ? 0 : 1;
}
