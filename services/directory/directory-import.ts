/**
 * Planning a CSV import against the stored directory, as a pure function: which rows create entries, which update
 * them (matched by kind and name, accents and case aside), which entries a `replace` deactivates, and every problem
 * with its line — so the service can apply all of it in one transaction, or nothing.
 */
import type { AuditEntry, DirectoryRow, DirectoryValues } from '../../models';
import { readDirectoryCsv, recordToInput } from './directory-csv';
import { parseDirectoryInput } from './directory-input';
import { DirectoryError, type DirectoryInput } from './directory-types';
import { changedFields, conflicts, inputToValues, rowValues } from './directory-values';
import { foldWord } from './spanish-phonetic';

export interface ImportInput {
  line: number;
  input: DirectoryInput;
  /** The argon2id hash of the row's `nip`, when it has one. */
  pinHash?: string | undefined;
}

export interface ImportPlan {
  create: Array<{ line: number; values: DirectoryValues }>;
  update: Array<{ id: string; patch: Partial<DirectoryValues> }>;
  /** Entries for updates and deactivations (creations are audited once their ids exist). */
  audit: Array<Omit<AuditEntry, 'actor'>>;
  counts: { created: number; updated: number; unchanged: number; deactivated: number };
  errors: Array<{ line: number; message: string }>;
}

/** The file's rows as validated input, or every problem with its line. */
export function readImport(text: string): { inputs: Array<{ line: number; input: DirectoryInput }>; errors: Array<{ line: number; message: string }> } {
  const { records, problems } = readDirectoryCsv(text);
  const errors = problems.map((p) => ({ line: p.line, message: p.message }));
  const inputs: Array<{ line: number; input: DirectoryInput }> = [];
  for (const record of records) {
    const mapped = recordToInput(record);
    if ('problems' in mapped) {
      for (const message of mapped.problems) errors.push({ line: record.line, message });
      continue;
    }
    try {
      inputs.push({ line: record.line, input: parseDirectoryInput(mapped.input, 'create') });
    } catch (err) {
      if (!(err instanceof DirectoryError)) throw err;
      for (const p of err.problems) errors.push({ line: record.line, message: `${COLUMN_OF[p.path] ?? p.path}: ${p.message}` });
    }
  }
  if (records.length === 0 && errors.length === 0) errors.push({ line: 1, message: 'El archivo no tiene filas después del encabezado.' });
  return { inputs, errors };
}

/** Input field → CSV column, to name the column in a problem. */
const COLUMN_OF: Record<string, string> = {
  kind: 'tipo', name: 'nombre', title: 'titulo', gender: 'genero', area: 'area', position: 'puesto', aliases: 'alias',
  extension: 'extension', phone: 'telefono', email: 'correo', availability: 'disponibilidad', availabilityNote: 'nota',
  route: 'ruta', 'route.uri': 'ruta', 'route.number': 'ruta', 'route.sendDigits': 'envio_digitos',
  outboundAllowed: 'llamadas_exterior', pin: 'nip',
};

const keyOf = (kind: string, name: string): string => `${kind}\u0000${foldWord(name)}`;

/** Plans the import of `inputs` over `current` (every stored entry, active or not). */
export function planImport(current: readonly DirectoryRow[], inputs: readonly ImportInput[], replace: boolean): ImportPlan {
  const errors: ImportPlan['errors'] = [];
  // An active entry answers for its name before an inactive one; among inactive ones, the latest.
  const stored = new Map<string, DirectoryRow>();
  for (const row of [...current].sort((a, b) => Number(a.active) - Number(b.active) || a.updatedAt.getTime() - b.updatedAt.getTime())) {
    stored.set(keyOf(row.kind, row.name), row);
  }
  const lineOfKey = new Map<string, number>();
  const matched = new Set<string>();
  /** The directory after the import: id (or `new:<line>`) → values, and the line that set them. */
  const final = new Map<string, { values: DirectoryValues; line: number | null }>();
  for (const row of current) final.set(row.id, { values: rowValues(row), line: null });
  const create: ImportPlan['create'] = [];
  const updates: Array<{ id: string; before: DirectoryValues; after: DirectoryValues }> = [];

  for (const { line, input, pinHash } of inputs) {
    const kind = input.kind as DirectoryValues['kind'];
    const key = keyOf(kind, input.name as string);
    const earlier = lineOfKey.get(key);
    if (earlier !== undefined) {
      errors.push({ line, message: `«${input.name}» ya aparece en la línea ${earlier}.` });
      continue;
    }
    lineOfKey.set(key, line);
    // A row of the file is the whole entry: what it leaves empty is cleared, except the PIN (never exported).
    const fromFile: DirectoryValues = {
      kind,
      name: input.name as string,
      title: null, gender: null, area: null, position: null, aliases: [], extension: null, phone: null, email: null,
      availability: 'available', availabilityNote: null, routeKind: null, routeAddress: null, sendDigits: null,
      outboundAllowed: false,
      ...inputToValues(input),
      active: true,
    };
    const existing = stored.get(key);
    if (existing) {
      matched.add(existing.id);
      const before = rowValues(existing);
      const after: DirectoryValues = { ...fromFile, outboundPinHash: pinHash ?? before.outboundPinHash ?? null };
      final.set(existing.id, { values: after, line });
      updates.push({ id: existing.id, before, after });
    } else {
      const values: DirectoryValues = { ...fromFile, outboundPinHash: pinHash ?? null };
      final.set(`new:${line}`, { values, line });
      create.push({ line, values });
    }
  }

  const deactivate = replace ? current.filter((r) => r.active && !matched.has(r.id)) : [];
  for (const row of deactivate) final.set(row.id, { values: { ...rowValues(row), active: false }, line: null });

  // Unique extensions and names, and PINs for outbound calls, over the directory as it would be.
  const rows = [...final.entries()].map(([id, f]) => ({ id, ...f }));
  const asRows = rows.map((r) => ({ ...r.values, id: r.id, active: r.values.active ?? true }) as DirectoryRow);
  for (const r of rows) {
    if (r.line === null) continue;
    for (const p of conflicts(r.values, r.id, asRows)) {
      errors.push({ line: r.line, message: p.code === 'directory/invalid_input' ? `${COLUMN_OF[p.path] ?? p.path}: ${p.message}` : p.message });
    }
  }

  const audit: ImportPlan['audit'] = [];
  const update: ImportPlan['update'] = [];
  let unchanged = 0;
  for (const u of updates) {
    const fields = changedFields(u.before, u.after);
    if (fields.length === 0) {
      unchanged++;
      continue;
    }
    update.push({ id: u.id, patch: u.after });
    audit.push({ action: 'directory.entry.update', target: u.id, details: { name: u.after.name, fields, via: 'import' } });
  }
  for (const row of deactivate) {
    update.push({ id: row.id, patch: { active: false } });
    audit.push({ action: 'directory.entry.deactivate', target: row.id, details: { name: row.name, extension: row.extension, via: 'import' } });
  }
  errors.sort((a, b) => a.line - b.line);
  return {
    create,
    update,
    audit,
    counts: { created: create.length, updated: update.length - deactivate.length, unchanged, deactivated: deactivate.length },
    errors,
  };
}
