import fs from 'node:fs';
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { Database, DuplicateEmailError, MonthlyReportRepository, ReportRepository, USER_ROLES, createRepositories } from '../models';
import { monthPeriod, ReportError } from '../services/reports/indicators';
import { parseReportFormat, ReportService } from '../services/reports/monthly-report';
import { MonthlyReportScheduler } from '../services/reports/report-scheduler';
import { UserInputError, UserService } from '../services/users/user.service';
import { CATALOG_USAGE, catalogExport, catalogImport, catalogRoute, describeCatalogError } from './cli-catalog';
import { DIRECTORY_USAGE, directoryExport, directoryImport } from './cli-directory';
import { HEALTH_USAGE, healthCheck } from './cli-health';
import { ConfigError, loadConfig } from './config';

const USAGE = `Uso: npm run cli -- <comando> [opciones]

Comandos:
  db:migrate                                   aplica las migraciones pendientes
  user:create --email CORREO --role ROL [--group "GRUPO"] [--queues "FILA1,FILA2"] [--phone TELÉFONO|sip:…] [--password CONTRASEÑA] [--name NOMBRE]
                                               crea un usuario (ROL: ${USER_ROLES.join(' | ')});
                                               un resolver necesita --group (su grupo resolutor);
                                               un agent puede tener --queues (grupos cuyas conversaciones
                                               atiende; sin ellas, la fila general) y --phone
                                               (donde suenan las llamadas que acepta);
                                               sin --password la pide o genera una
${CATALOG_USAGE}${DIRECTORY_USAGE}  report:monthly --month AAAA-MM [--format json|csv|xlsx] [--out ARCHIVO]
                                               indicadores del mes (JSON, a la salida estándar si no hay
                                               --out) o el reporte general de llamadas (una fila por llamada
                                               o conversación) en CSV o XLSX; meses del calendario de TZ
  report:monthly --month AAAA-MM --store [--email]
                                               genera de nuevo el reporte mensual y lo guarda en lugar del
                                               anterior (el que ve la consola); con --email lo deja en cola
                                               para los coordinadores activos y REPORT_EMAILS (hace falta
                                               SMTP_URL; lo envía la aplicación en marcha)
${HEALTH_USAGE}`;

async function withDatabase<T>(fn: (db: Database) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const db = await Database.open({ url: config.database.url, dataDir: config.dataDir, poolMax: 2 });
  try {
    await db.migrate();
    return await fn(db);
  } finally {
    await db.close();
  }
}

async function askPassword(): Promise<string | undefined> {
  if (!process.stdin.isTTY) return undefined;
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    const answer = await rl.question('Contraseña (mínimo 12 caracteres; Enter para generar una): ');
    return answer.trim() === '' ? undefined : answer;
  } finally {
    rl.close();
  }
}

async function run(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'db:migrate': {
      const where = await withDatabase(async (db) => `${db.kind} (${db.location})`);
      console.log(`Migraciones aplicadas en ${where}.`);
      return 0;
    }
    case 'user:create': {
      const { values } = parseArgs({
        args: rest,
        options: { email: { type: 'string' }, role: { type: 'string' }, group: { type: 'string' }, queues: { type: 'string' }, phone: { type: 'string' }, password: { type: 'string' }, name: { type: 'string' } },
        strict: true,
      });
      if (!values.email || !values.role) {
        console.error('Faltan --email y --role.\n');
        console.error(USAGE);
        return 2;
      }
      if (values.role === 'resolver' && !values.group?.trim()) {
        console.error('Un resolver necesita su grupo resolutor: agregue --group "Nombre del grupo" (el grupo del catálogo cuyos tickets atiende).');
        return 2;
      }
      const password = values.password ?? (await askPassword());
      const created = await withDatabase((db) => {
        const repos = createRepositories(db);
        return new UserService(repos.users, repos.audit).create({
          email: values.email as string,
          role: values.role as string,
          password,
          ...(values.name ? { displayName: values.name } : {}),
          ...(values.queues ? { queues: values.queues.split(',') } : {}),
          ...(values.phone ? { phone: values.phone } : {}),
          ...(values.group !== undefined ? { resolverGroup: values.group } : {}),
          actor: 'cli',
        });
      });
      const group = created.user.resolverGroup ? `, grupo «${created.user.resolverGroup}»` : '';
      console.log(`Usuario creado: ${created.user.email} (${created.user.role}${group}), id ${created.user.id}`);
      if (created.generatedPassword) console.log(`Contraseña generada (se muestra una sola vez): ${created.generatedPassword}`);
      return 0;
    }
    case 'catalog:import':
      return catalogImport(rest, withDatabase);
    case 'catalog:export':
      return catalogExport(rest, withDatabase);
    case 'catalog:route':
      return catalogRoute(rest, withDatabase);
    case 'directory:import':
      return directoryImport(rest, withDatabase);
    case 'directory:export':
      return directoryExport(rest, withDatabase);
    case 'report:monthly':
      return reportMonthly(rest);
    case 'health:check':
      return healthCheck(rest, loadConfig(), withDatabase);
    case undefined:
    case 'help':
    case '--help':
      console.log(USAGE);
      return command === undefined ? 2 : 0;
    default:
      console.error(`Comando desconocido: ${command}\n`);
      console.error(USAGE);
      return 2;
  }
}

/** `report:monthly --month YYYY-MM [--format json|csv|xlsx] [--out FILE]` (DESIGN.md §5 and §10), or `--store [--email]`. */
async function reportMonthly(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { month: { type: 'string' }, format: { type: 'string' }, out: { type: 'string' }, store: { type: 'boolean' }, email: { type: 'boolean' } },
    strict: true,
  });
  if (values.store) return storeMonthly(values);
  if (values.email) {
    console.error('--email va con --store: report:monthly --month AAAA-MM --store --email');
    return 2;
  }
  const config = loadConfig();
  let format: ReturnType<typeof parseReportFormat>;
  try {
    format = parseReportFormat(values.format);
    monthPeriod(values.month, config.tz);
  } catch (err) {
    if (!(err instanceof ReportError)) throw err;
    console.error(`${err.message}\n\nUso: report:monthly --month AAAA-MM [--format json|csv|xlsx] [--out ARCHIVO]`);
    return 2;
  }
  if (format === 'xlsx' && !values.out && process.stdout.isTTY) {
    console.error('El XLSX es un archivo binario: indique --out ARCHIVO.xlsx o redirija la salida.');
    return 2;
  }
  const output = await withDatabase(async (db) => {
    const reports = new ReportService({ repo: new ReportRepository(db.db), timeZone: config.tz, slaTargets: config.reports.slaTargets });
    const period = reports.month(values.month);
    if (format === 'json') return Buffer.from(`${JSON.stringify(await reports.monthly(values.month), null, 2)}\n`, 'utf8');
    if (format === 'csv') return Buffer.from(await reports.csv(period), 'utf8');
    return reports.xlsx(period);
  });
  if (values.out) {
    fs.writeFileSync(values.out, output);
    console.error(`Reporte de ${values.month} escrito en ${values.out}.`);
  } else {
    await new Promise<void>((resolve, reject) => process.stdout.write(output, (err) => (err ? reject(err) : resolve())));
  }
  return 0;
}

/** `report:monthly --month YYYY-MM --store [--email]`: regenerates and stores the month (and queues its e-mails). */
async function storeMonthly(values: { month?: string | undefined; format?: string | undefined; out?: string | undefined; email?: boolean | undefined }): Promise<number> {
  const config = loadConfig();
  const usage = 'Uso: report:monthly --month AAAA-MM --store [--email]';
  if (values.format !== undefined || values.out !== undefined) {
    console.error(`--store guarda el reporte en la base de datos; no lleva --format ni --out.\n\n${usage}`);
    return 2;
  }
  try {
    monthPeriod(values.month, config.tz);
  } catch (err) {
    if (!(err instanceof ReportError)) throw err;
    console.error(`${err.message}\n\n${usage}`);
    return 2;
  }
  if (values.email && !config.smtp) {
    console.error('Sin SMTP_URL no se puede enviar el reporte por correo: configure SMTP_URL o quite --email.');
    return 2;
  }
  const meta = await withDatabase(async (db) => {
    const reports = new ReportService({ repo: new ReportRepository(db.db), timeZone: config.tz, slaTargets: config.reports.slaTargets });
    const scheduler = new MonthlyReportScheduler({
      reports,
      repo: new MonthlyReportRepository(db),
      clock: { now: () => new Date() },
      logger: { info: () => undefined, warn: (obj, msg) => console.error(msg ?? '', obj), error: (obj, msg) => console.error(msg ?? '', obj) },
      settings: { day: config.reports.day, email: config.smtp !== null, extraEmails: config.reports.emails, publicBaseUrl: config.publicBaseUrl },
    });
    return scheduler.regenerate(values.month as string, { generatedBy: 'cli', email: values.email === true });
  });
  console.error(`Reporte de ${meta.month} guardado (${meta.xlsxBytes} bytes de XLSX).`);
  if (values.email) {
    console.error(
      meta.recipients.length > 0
        ? `Correo en cola para ${meta.recipients.join(', ')}; lo envía la aplicación en marcha.`
        : 'No hay coordinadores activos ni REPORT_EMAILS: no se envió a nadie.',
    );
  }
  return 0;
}

run(process.argv.slice(2))
  .then((code) => process.exit(code))
  .catch((err: unknown) => {
    const catalogProblem = describeCatalogError(err);
    if (catalogProblem) {
      console.error(catalogProblem);
      process.exit(1);
    }
    if (err instanceof ConfigError || err instanceof UserInputError || err instanceof DuplicateEmailError) {
      console.error(err instanceof DuplicateEmailError ? `Ya existe un usuario con el correo ${err.email}.` : err.message);
      process.exit(1);
    }
    if (err instanceof Error && 'code' in err && err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      console.error(`${err.message}\n\n${USAGE}`);
      process.exit(2);
    }
    console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    process.exit(1);
  });
