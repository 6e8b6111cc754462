import fs from 'node:fs';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { createRepositories, type Database } from '../models';
import { CatalogValidationError } from '../services/catalog/catalog-format';
import { trainingCatalog } from '../services/catalog/catalog-router';
import { CatalogError, CatalogService } from '../services/catalog/catalog.service';
import { readDefaultCatalog } from '../services/catalog/default-catalog';
import { Router } from '../services/nlu/router';

type WithDatabase = <T>(fn: (db: Database) => Promise<T>) => Promise<T>;

export const CATALOG_USAGE = `  catalog:import ARCHIVO [--draft] [--note NOTA]
                                               valida y publica un catálogo (con --draft solo lo deja en borrador)
  catalog:export [ARCHIVO] [--version N | --draft]
                                               escribe el catálogo publicado (o esa versión, o el borrador)
  catalog:route [--file ARCHIVO|-] [--draft] [TEXTO]
                                               clasifica TEXTO, o cada línea del archivo: una decisión JSON por línea
`;

function service(db: Database): CatalogService {
  return new CatalogService(createRepositories(db).catalog);
}

/** Reports an invalid catalog with the path of every problem, in Spanish and English. */
export function describeCatalogError(err: unknown): string | null {
  if (err instanceof CatalogValidationError) {
    return [`El catálogo no es válido / The catalog is invalid (${err.problems.length}):`, ...err.problems.map((p) => `  ${p.path || '(raíz)'}: ${p.message} / ${p.messageEn}`)].join('\n');
  }
  if (err instanceof CatalogError) return err.message;
  return null;
}

export async function catalogImport(args: string[], withDatabase: WithDatabase): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: { draft: { type: 'boolean' }, note: { type: 'string' } }, allowPositionals: true, strict: true });
  const file = positionals[0];
  if (!file || positionals.length > 1) {
    console.error('Uso: catalog:import ARCHIVO [--draft] [--note NOTA]');
    return 2;
  }
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    console.error(`No se pudo leer ${file} como JSON: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
  const result = await withDatabase((db) => service(db).importCatalog(json, { draft: values.draft ?? false, actor: 'cli', note: values.note ?? null }));
  if ('revision' in result) console.log(`Catálogo importado como borrador (${result.catalog.services.length} servicios); publíquelo desde la consola.`);
  else console.log(`Catálogo publicado: versión ${result.version} (${result.catalog.services.length} servicios; +${result.summary.added} −${result.summary.removed} ~${result.summary.changed}).`);
  return 0;
}

export async function catalogExport(args: string[], withDatabase: WithDatabase): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: { version: { type: 'string' }, draft: { type: 'boolean' } }, allowPositionals: true, strict: true });
  if (values.version !== undefined && !/^\d+$/.test(values.version)) {
    console.error('--version debe ser un número de versión.');
    return 2;
  }
  const ref = values.draft ? 'draft' : values.version !== undefined ? Number(values.version) : undefined;
  const { catalog, version } = await withDatabase(async (db) => {
    await service(db).ensureDefault(readDefaultCatalog());
    return service(db).exportCatalog(ref);
  });
  const text = `${JSON.stringify(catalog, null, 2)}\n`;
  if (positionals[0]) {
    fs.writeFileSync(positionals[0], text);
    console.error(`Catálogo ${version === 'draft' ? 'en borrador' : `versión ${version}`} escrito en ${positionals[0]}.`);
  } else process.stdout.write(text);
  return 0;
}

async function* lines(file: string): AsyncGenerator<string> {
  const input = file === '-' ? process.stdin : fs.createReadStream(file, 'utf8');
  const rl = createInterface({ input, crlfDelay: Infinity });
  for await (const line of rl) yield line;
}

export async function catalogRoute(args: string[], withDatabase: WithDatabase): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: { file: { type: 'string' }, draft: { type: 'boolean' } }, allowPositionals: true, strict: true });
  const catalog = await withDatabase(async (db) => {
    const s = service(db);
    await s.ensureDefault(readDefaultCatalog());
    return values.draft ? (await s.getDraft()).catalog : (await s.exportCatalog()).catalog;
  });
  const router = Router.train(trainingCatalog(catalog));
  const out = (text: string) => process.stdout.write(`${JSON.stringify(router.route(text))}\n`);
  if (values.file !== undefined) {
    for await (const line of lines(values.file)) out(line);
    return 0;
  }
  if (positionals.length > 0) {
    out(positionals.join(' '));
    return 0;
  }
  if (!process.stdin.isTTY) {
    for await (const line of lines('-')) out(line);
    return 0;
  }
  console.error('Uso: catalog:route [--file ARCHIVO|-] [--draft] [TEXTO]');
  return 2;
}
