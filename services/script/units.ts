/**
 * Units of the institution (schools, research centres, central administrative areas) that a requester names when the
 * attention script (FO-CAU-01-01) asks «¿De qué escuela, centro o unidad se comunica?». The list is configuration:
 * `default-units.json` ships the IPN's; another institution supplies its own file through {@link readUnitsFile}.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { aliasTokens } from './unit-text';

export { UnitMatcher, UNIT_CONFIDENCE, unitDecision } from './unit-matcher';
export type { UnitMatch, UnitAnalysis, UnitDecision, AliasToken, TokenKind } from './unit-matcher';

/** One school, centre or administrative unit. */
export interface Unit {
  /** Stable code: upper-case letters, digits and hyphens ("ESCOM", "ESIME-ZAC", "CECYT-9"). */
  code: string;
  /** Official name, as the bot says it back («Escuela Superior de Cómputo»). */
  name: string;
  /**
   * Other ways people say it: acronyms, short names, nicknames ("escom", "la voca 9", "bátiz"). Matching ignores
   * case, accents and articles. An acronym that is also an everyday Spanish word, written in capitals in the alias
   * ("ESE", "SIP", "DES"), only matches text written in capitals. The same alias may be given to several units
   * ("ESIME" on the four ESIMEs): it then makes them candidates, and the dialog asks which one.
   */
  aliases: string[];
}

/** One problem of a units file, at a JSON path such as `units[3].code`, in Spanish. */
export interface UnitProblem {
  path: string;
  message: string;
}

/** A units file that cannot be used; `problems` lists all of them. */
export class UnitsValidationError extends Error {
  readonly code = 'units/invalid' as const;
  constructor(readonly problems: UnitProblem[]) {
    super(`La lista de unidades no es válida (${problems.length} ${problems.length === 1 ? 'problema' : 'problemas'}): ${problems
      .slice(0, 5)
      .map((p) => `${p.path || '(raíz)'}: ${p.message}`)
      .join('; ')}${problems.length > 5 ? '; …' : ''}`);
  }
}

const CODE_PATTERN = /^[A-Z0-9]+(?:-[A-Z0-9]+)*$/;

const unitSchema = z.strictObject({
  code: z.string({ error: 'el código debe ser texto' })
    .regex(CODE_PATTERN, { error: 'código inválido: solo mayúsculas, dígitos y guiones (p. ej. ESIME-ZAC)' })
    .max(40, { error: 'el código es demasiado largo (máximo 40)' }),
  name: z.string({ error: 'el nombre debe ser texto' }).trim()
    .min(1, { error: 'el nombre no puede estar vacío' }).max(200, { error: 'el nombre es demasiado largo (máximo 200)' }),
  aliases: z.array(
    z.string({ error: 'cada alias debe ser texto' }).trim()
      .min(1, { error: 'el alias no puede estar vacío' }).max(120, { error: 'el alias es demasiado largo (máximo 120)' }),
    { error: 'los alias deben ser una lista de textos' },
  ).max(40, { error: 'demasiados alias (máximo 40)' }).default([]),
}, { error: 'cada unidad debe ser un objeto {code, name, aliases}' });

const unitsSchema = z.array(unitSchema, { error: 'se esperaba una lista de unidades o {"units": [...]}' })
  .min(1, { error: 'la lista de unidades no puede estar vacía' }).max(5000, { error: 'demasiadas unidades (máximo 5000)' });

function formatPath(parts: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const part of parts) out += typeof part === 'number' ? `[${part}]` : out === '' ? String(part) : `.${String(part)}`;
  return out;
}

function problemMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') return `campo desconocido: ${issue.keys.join(', ')}`;
  if (issue.code === 'invalid_type' && issue.input === undefined) return 'campo obligatorio';
  return issue.message;
}

/** Aliases that could never identify a unit: only articles, or one generic word ("escuela", "centro"). */
function aliasProblem(alias: string): string | undefined {
  const content = aliasTokens(alias);
  if (content.length === 0) return `el alias «${alias}» no tiene ninguna palabra que identifique la unidad`;
  if (content.length === 1 && content[0]?.kind !== 'proper') {
    return `el alias «${alias}» es una palabra genérica; use un nombre propio o una sigla`;
  }
  return undefined;
}

/**
 * Validates a list of units: an array, or an object `{units: [...]}`. Reports every problem at once with its path
 * (`units[3].code: código repetido…`).
 *
 * @throws UnitsValidationError with Spanish messages
 */
export function loadUnits(json: unknown): Unit[] {
  const wrapped = typeof json === 'object' && json !== null && !Array.isArray(json);
  const list: unknown = wrapped ? Reflect.get(json, 'units') : json;
  const prefix = wrapped ? ['units'] : [];
  if (wrapped && Object.keys(json).some((k) => k !== 'units' && k !== 'format')) {
    const extra = Object.keys(json).filter((k) => k !== 'units' && k !== 'format');
    throw new UnitsValidationError([{ path: '', message: `campo desconocido: ${extra.join(', ')}` }]);
  }
  const result = unitsSchema.safeParse(list, { reportInput: true });
  const problems: UnitProblem[] = result.success ? [] : result.error.issues.map((issue) => ({
    path: formatPath([...prefix, ...issue.path]),
    message: problemMessage(issue),
  }));
  // Rules across units, checked on whatever is readable so that every problem is reported at once.
  const seen = new Map<string, number>();
  (Array.isArray(list) ? (list as unknown[]) : []).forEach((item, i) => {
    const code: unknown = typeof item === 'object' && item !== null ? Reflect.get(item, 'code') : undefined;
    const aliases: unknown = typeof item === 'object' && item !== null ? Reflect.get(item, 'aliases') : undefined;
    if (typeof code === 'string') {
      const first = seen.get(code);
      if (first !== undefined) {
        problems.push({ path: formatPath([...prefix, i, 'code']), message: `código repetido: ${code} (ya está en ${formatPath([...prefix, first])})` });
      } else seen.set(code, i);
    }
    (Array.isArray(aliases) ? (aliases as unknown[]) : []).forEach((alias, j) => {
      const problem = typeof alias === 'string' && alias.trim() !== '' ? aliasProblem(alias) : undefined;
      if (problem !== undefined) problems.push({ path: formatPath([...prefix, i, 'aliases', j]), message: problem });
    });
  });
  if (!result.success || problems.length > 0) throw new UnitsValidationError(problems);
  return result.data;
}

/**
 * Reads and validates a units file (JSON: an array of units or `{units: [...]}`).
 *
 * @throws UnitsValidationError when the file cannot be read, is not JSON or is not a valid list
 */
export function readUnitsFile(file: string): Unit[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new UnitsValidationError([{ path: '', message: `no se pudo leer ${file}: ${error instanceof Error ? error.message : String(error)}` }]);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UnitsValidationError([{ path: '', message: `${file} no es JSON válido: ${error instanceof Error ? error.message : String(error)}` }]);
  }
  return loadUnits(json);
}

/** The list Ventanilla ships (services/script/default-units.json), found from the source tree or from dist/. */
export function defaultUnitsPath(): string {
  const name = 'default-units.json';
  const candidates = [path.resolve(__dirname, name), path.resolve(__dirname, '..', '..', '..', 'services', 'script', name)];
  const found = candidates.find((c) => fs.existsSync(c));
  if (found === undefined) throw new Error(`defaultUnitsPath(): ${name} not found (looked in ${candidates.join(', ')})`);
  return found;
}

/** The IPN units Ventanilla ships, validated. */
export function defaultUnits(): Unit[] {
  return readUnitsFile(defaultUnitsPath());
}
