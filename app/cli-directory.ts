import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { createRepositories, DirectoryRepository, type Database } from '../models';
import { DirectoryService } from '../services/directory/directory.service';

type WithDatabase = <T>(fn: (db: Database) => Promise<T>) => Promise<T>;

export const DIRECTORY_USAGE = `  directory:import ARCHIVO [--replace] [--dry-run]
                                               importa el directorio del conmutador desde un CSV (columnas:
                                               tipo,nombre,titulo,genero,area,puesto,alias,extension,telefono,
                                               correo,disponibilidad,nota,ruta,envio_digitos,llamadas_exterior,nip);
                                               con --replace da de baja lo que no venga en el archivo;
                                               con --dry-run solo dice qué cambiaría
  directory:export [ARCHIVO]                   escribe el directorio activo en CSV (sin los NIP)
`;

function service(db: Database): DirectoryService {
  return new DirectoryService({ repo: new DirectoryRepository(db.db), audit: createRepositories(db).audit, clock: { now: () => new Date() } });
}

export async function directoryImport(args: string[], withDatabase: WithDatabase): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: { replace: { type: 'boolean' }, 'dry-run': { type: 'boolean' } }, allowPositionals: true, strict: true });
  const file = positionals[0];
  if (!file || positionals.length > 1) {
    console.error('Uso: directory:import ARCHIVO [--replace] [--dry-run]');
    return 2;
  }
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    console.error(`No se pudo leer ${file}: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
  const dryRun = values['dry-run'] ?? false;
  const result = await withDatabase((db) => service(db).importCsv('cli', text, { replace: values.replace ?? false, dryRun }));
  if (result.errors.length > 0) {
    console.error(`El archivo ${file} tiene ${result.errors.length === 1 ? 'un error' : `${result.errors.length} errores`}; no se cambió nada:`);
    for (const e of result.errors) console.error(`  línea ${e.line}: ${e.message}`);
    return 1;
  }
  const counts = `${result.created} nuevas, ${result.updated} actualizadas, ${result.unchanged} sin cambios, ${result.deactivated} dadas de baja`;
  console.log(dryRun ? `Se importaría: ${counts} (no se cambió nada).` : `Directorio importado: ${counts}.`);
  return 0;
}

export async function directoryExport(args: string[], withDatabase: WithDatabase): Promise<number> {
  const { positionals } = parseArgs({ args, options: {}, allowPositionals: true, strict: true });
  if (positionals.length > 1) {
    console.error('Uso: directory:export [ARCHIVO]');
    return 2;
  }
  const csv = await withDatabase((db) => service(db).exportCsv());
  const file = positionals[0];
  if (file) {
    // With a byte order mark, spreadsheet programs read the accents right.
    fs.writeFileSync(file, `\uFEFF${csv}`);
    console.error(`Directorio escrito en ${file} (${csv.trim().split('\n').length - 1} entradas).`);
  } else process.stdout.write(csv);
  return 0;
}
