/**
 * The directory's CSV file (RFC 4180: comma-separated, double quotes around fields with commas, quotes or line
 * breaks; a `;` header is accepted too, as Excel writes it in Spanish locales). One row per person or area:
 *
 *   tipo,nombre,titulo,genero,area,puesto,alias,extension,telefono,correo,disponibilidad,nota,ruta,envio_digitos,llamadas_exterior,nip
 *
 * `tipo` persona | área; `genero` F | M | empty; `alias` separated by `|`; `disponibilidad` disponible | ausente |
 * no disponible; `ruta` a SIP URI (`sip:42500@pbx.example.gob.mx`) or a phone number in international format
 * (`+525553001234`, then `envio_digitos` such as `ww44300` are dialled after it answers); `llamadas_exterior` sí | no;
 * `nip` 4 to 8 digits (stored hashed; never exported — an empty `nip` keeps the current one).
 */
import type { DirectoryEntry, DirectoryInput, VoiceRoute } from './directory-types';
import { foldCase } from '../nlu/normalize';
import { foldWord } from './spanish-phonetic';

export const CSV_COLUMNS = [
  'tipo',
  'nombre',
  'titulo',
  'genero',
  'area',
  'puesto',
  'alias',
  'extension',
  'telefono',
  'correo',
  'disponibilidad',
  'nota',
  'ruta',
  'envio_digitos',
  'llamadas_exterior',
  'nip',
] as const;
export type CsvColumn = (typeof CSV_COLUMNS)[number];

/** One record of the file: its values by column and the line it starts on (the header is line 1). */
export interface CsvRecord {
  line: number;
  values: Partial<Record<CsvColumn, string>>;
}

export interface CsvProblem {
  line: number;
  message: string;
}

/** A file that is not CSV at all (an unclosed quote), at `line`. */
export class CsvSyntaxError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
    this.name = 'CsvSyntaxError';
  }
}

/** Splits CSV text into rows of fields, with the line each row starts on. */
export function parseCsvRows(text: string, delimiter: ',' | ';'): Array<{ line: number; fields: string[] }> {
  const rows: Array<{ line: number; fields: string[] }> = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  let rowHasContent = false;
  const endRow = (): void => {
    fields.push(unescapeFormula(field));
    if (rowHasContent || fields.some((f) => f !== '')) rows.push({ line: rowLine, fields });
    fields = [];
    field = '';
    rowHasContent = false;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else {
        if (c === '\n') line++;
        field += c;
      }
      continue;
    }
    if (c === '"' && field === '') {
      quoted = true;
      rowHasContent = true;
    } else if (c === delimiter) {
      fields.push(unescapeFormula(field));
      field = '';
      rowHasContent = true;
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      endRow();
      line++;
      rowLine = line;
    } else field += c;
  }
  if (quoted) throw new CsvSyntaxError(rowLine, `Hay comillas sin cerrar a partir de la línea ${rowLine}.`);
  if (field !== '' || fields.length > 0) endRow();
  return rows;
}

/** Reads the file: header (any order, unknown columns refused), then one record per row. */
export function readDirectoryCsv(text: string): { records: CsvRecord[]; problems: CsvProblem[] } {
  const body = text.replace(/^\uFEFF/, '');
  const firstLine = body.split(/\r?\n/, 1)[0] ?? '';
  const delimiter = (firstLine.match(/;/g)?.length ?? 0) > (firstLine.match(/,/g)?.length ?? 0) ? ';' : ',';
  let rows: Array<{ line: number; fields: string[] }>;
  try {
    rows = parseCsvRows(body, delimiter);
  } catch (err) {
    if (err instanceof CsvSyntaxError) return { records: [], problems: [{ line: err.line, message: err.message }] };
    throw err;
  }
  const [header, ...data] = rows;
  if (!header) return { records: [], problems: [{ line: 1, message: 'El archivo está vacío: falta el encabezado con los nombres de las columnas.' }] };
  const columns = header.fields.map(headerKey);
  const problems: CsvProblem[] = [];
  const unknown = columns.filter((c) => !(CSV_COLUMNS as readonly string[]).includes(c));
  if (unknown.length > 0) problems.push({ line: header.line, message: `Columnas desconocidas: ${unknown.join(', ')}. Las columnas son: ${CSV_COLUMNS.join(',')}.` });
  for (const required of ['tipo', 'nombre'] as const) {
    if (!columns.includes(required)) problems.push({ line: header.line, message: `Falta la columna «${required}».` });
  }
  const seen = new Set<string>();
  for (const c of columns) {
    if (seen.has(c)) problems.push({ line: header.line, message: `La columna «${c}» aparece dos veces.` });
    seen.add(c);
  }
  if (problems.length > 0) return { records: [], problems };
  const records: CsvRecord[] = [];
  for (const row of data) {
    if (row.fields.length > columns.length) {
      problems.push({ line: row.line, message: `La fila tiene ${row.fields.length} campos y el encabezado ${columns.length}; revise comas sin comillas.` });
      continue;
    }
    const values: CsvRecord['values'] = {};
    columns.forEach((c, i) => {
      values[c as CsvColumn] = (row.fields[i] ?? '').trim();
    });
    records.push({ line: row.line, values });
  }
  return { records, problems };
}

/** Header spellings accepted besides the canonical ones (after folding: lower case, no accents, `_` for spaces). */
const COLUMN_ALIASES: Record<string, string> = {
  aliases: 'alias',
  email: 'correo',
  correo_electronico: 'correo',
  envio_de_digitos: 'envio_digitos',
  digitos: 'envio_digitos',
  llamadas_al_exterior: 'llamadas_exterior',
  pin: 'nip',
};

function headerKey(header: string): string {
  const key = foldCase(header).trim().replace(/[\s-]+/g, '_').replace(/[^a-z0-9_]/g, '');
  return COLUMN_ALIASES[key] ?? key;
}

const KINDS: Record<string, DirectoryInput['kind']> = { persona: 'person', person: 'person', area: 'area' };
const GENDERS: Record<string, 'f' | 'm' | null> = { '': null, f: 'f', m: 'm', mujer: 'f', hombre: 'm', femenino: 'f', masculino: 'm' };
const AVAILABILITY: Record<string, DirectoryInput['availability']> = {
  '': 'available',
  disponible: 'available',
  available: 'available',
  ausente: 'away',
  away: 'away',
  nodisponible: 'unavailable',
  unavailable: 'unavailable',
};
const YES = new Set(['si', 'yes', 'true', '1', 'x']);
const NO = new Set(['', 'no', 'false', '0']);

/** A record as directory input, or the problems of its line. `nip` empty → `pin` absent (keep the current one). */
export function recordToInput(record: CsvRecord): { input: DirectoryInput } | { problems: string[] } {
  const v = record.values;
  const problems: string[] = [];
  const kind = KINDS[foldWord(v.tipo ?? '')];
  if (!kind) problems.push(`tipo: «${v.tipo ?? ''}» no es «persona» ni «área».`);
  const gender = GENDERS[foldWord(v.genero ?? '')];
  if (gender === undefined) problems.push(`genero: «${v.genero}» no es F ni M.`);
  const availability = AVAILABILITY[foldWord(v.disponibilidad ?? '')];
  if (!availability) problems.push(`disponibilidad: «${v.disponibilidad}» no es disponible, ausente ni no disponible.`);
  const outbound = foldWord(v.llamadas_exterior ?? '');
  if (!YES.has(outbound) && !NO.has(outbound)) problems.push(`llamadas_exterior: «${v.llamadas_exterior}» no es sí ni no.`);
  let route: VoiceRoute | null = null;
  const ruta = v.ruta ?? '';
  const digits = v.envio_digitos ?? '';
  if (/^sips?:/i.test(ruta)) {
    route = { kind: 'sip', uri: ruta };
    if (digits) problems.push('envio_digitos: solo aplica a una ruta telefónica (+52…), no a una SIP.');
  } else if (ruta !== '') {
    const number = ruta.replace(/^tel:/i, '').replace(/[\s()-]/g, '');
    route = digits ? { kind: 'pstn', number, sendDigits: digits } : { kind: 'pstn', number };
  } else if (digits) problems.push('envio_digitos: indique también la ruta (el número al que se marcan).');
  if (problems.length > 0 || !kind || gender === undefined || !availability) return { problems };
  const text = (s: string | undefined): string | null => (s ? s : null);
  const input: DirectoryInput = {
    kind,
    name: v.nombre ?? '',
    title: text(v.titulo),
    gender,
    area: text(v.area),
    position: text(v.puesto),
    aliases: (v.alias ?? '').split('|').map((a) => a.trim()).filter((a) => a !== ''),
    extension: text(v.extension?.replace(/\s/g, '')),
    phone: text(v.telefono),
    email: text(v.correo),
    availability,
    availabilityNote: text(v.nota),
    route,
    outboundAllowed: YES.has(outbound),
  };
  if (v.nip) input.pin = v.nip;
  return { input };
}

/** Cells a spreadsheet would run as a formula (=, +, -, @, tab, CR first): written with a leading apostrophe. */
const FORMULA_START = /^[=+\-@\t\r]/;

function csvField(raw: string): string {
  // Not a phone number such as «+52 55…»: only text that starts like a formula.
  const value = FORMULA_START.test(raw) && !/^\+?[\d\s()-]+$/.test(raw) ? `'${raw}` : raw;
  return /[",\r\n]/.test(value) || /^\s|\s$/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** A cell written by {@link csvField} with the apostrophe that keeps spreadsheets from running it: read back as written. */
export function unescapeFormula(value: string): string {
  return /^'[=+\-@\t\r]/.test(value) && !/^'\+?[\d\s()-]+$/.test(value) ? value.slice(1) : value;
}

const AVAILABILITY_OUT: Record<DirectoryEntry['availability'], string> = { available: 'disponible', away: 'ausente', unavailable: 'no disponible' };

/** The directory as a CSV file (UTF-8, CRLF, header first; PINs are never written). */
export function writeDirectoryCsv(entries: readonly DirectoryEntry[]): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const e of entries) {
    const route = e.route;
    const row: Record<CsvColumn, string> = {
      tipo: e.kind === 'person' ? 'persona' : 'área',
      nombre: e.name,
      titulo: e.title ?? '',
      genero: e.gender ? e.gender.toUpperCase() : '',
      area: e.area ?? '',
      puesto: e.position ?? '',
      alias: e.aliases.join('|'),
      extension: e.extension ?? '',
      telefono: e.phone ?? '',
      correo: e.email ?? '',
      disponibilidad: AVAILABILITY_OUT[e.availability],
      nota: e.availabilityNote ?? '',
      ruta: route ? (route.kind === 'sip' ? route.uri : route.number) : '',
      envio_digitos: route?.kind === 'pstn' ? (route.sendDigits ?? '') : '',
      llamadas_exterior: e.outboundAllowed ? 'sí' : 'no',
      nip: '',
    };
    lines.push(CSV_COLUMNS.map((c) => csvField(row[c])).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}
