import { z } from 'zod';

/** The catalog file format (DESIGN.md §6). */
export const CATALOG_FORMAT = 'ventanilla.catalog/v1';
export const SCOPES = ['sai', 'informative'] as const;
export const KINDS = ['fault', 'request', 'either'] as const;
export const URGENCIES = ['critical', 'high', 'medium', 'low'] as const;
export const ANSWER_TYPES = ['yesno', 'choice', 'text'] as const;
export const LANGUAGES = ['es', 'en'] as const;
export const CODE_PATTERN = /^[A-Z0-9]+(?:-[A-Z0-9]+)*$/;
const DIAGNOSTIC_ID_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

const text = (max: number) => z.string().trim().min(1).max(max);

const diagnosticSchema = z.strictObject({
  id: z.string().regex(DIAGNOSTIC_ID_PATTERN).max(60),
  question: text(500),
  answer: z.enum(ANSWER_TYPES),
  options: z.array(text(200)).optional(),
});

export const serviceSchema = z.strictObject({
  code: z.string().regex(CODE_PATTERN).max(60),
  name: text(200),
  category: text(120),
  scope: z.enum(SCOPES),
  kind: z.enum(KINDS),
  resolverGroup: text(120),
  examples: z.array(text(500)).min(1).max(500),
  selfHelp: z.array(text(1000)).max(30),
  diagnostics: z.array(diagnosticSchema).max(20),
  defaultUrgency: z.enum(URGENCIES),
  active: z.boolean(),
  /**
   * Attended personally by an agent: after identification the bot hands the conversation over instead of asking the
   * diagnostics and registering. Optional and absent by default (= false), so files without it export unchanged.
   */
  requiresAgent: z.boolean().optional(),
});

export const catalogSchema = z.strictObject({
  format: z.literal(CATALOG_FORMAT),
  language: z.enum(LANGUAGES).default('es'),
  referral: z.strictObject({ message: text(1000), phone: text(60) }),
  services: z.array(serviceSchema).max(2000),
  outOfScope: z.strictObject({ examples: z.array(text(500)).max(5000) }),
});

export type CatalogServiceDef = z.infer<typeof serviceSchema>;
export type CatalogDiagnostic = z.infer<typeof diagnosticSchema>;
export type CatalogFile = z.infer<typeof catalogSchema>;
export type CatalogSettings = Pick<CatalogFile, 'language' | 'referral' | 'outOfScope'>;

/** One problem in a catalog, at a JSON path such as `services[3].kind`, in Spanish and English. */
export interface CatalogProblem {
  path: string;
  message: string;
  messageEn: string;
}

export class CatalogValidationError extends Error {
  readonly code = 'catalog/invalid' as const;
  constructor(readonly problems: CatalogProblem[]) {
    super(`El catálogo no es válido (${problems.length} ${problems.length === 1 ? 'problema' : 'problemas'}): ${problems
      .slice(0, 5)
      .map((p) => `${p.path || '(raíz)'}: ${p.message}`)
      .join('; ')}${problems.length > 5 ? '; …' : ''}`);
  }
}

export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out;
}

const FIELD_HINTS: Record<string, [string, string]> = {
  scope: ['use «sai» o «informative»', 'use "sai" or "informative"'],
  kind: ['use «fault», «request» o «either»', 'use "fault", "request" or "either"'],
  defaultUrgency: ['use «critical», «high», «medium» o «low»', 'use "critical", "high", "medium" or "low"'],
  answer: ['use «yesno», «choice» o «text»', 'use "yesno", "choice" or "text"'],
  language: ['use «es» o «en»', 'use "es" or "en"'],
  code: ['solo mayúsculas, dígitos y guiones (p. ej. CORREO-CONTRASENA)', 'upper-case letters, digits and hyphens only (e.g. CORREO-CONTRASENA)'],
  id: ['solo minúsculas, dígitos y guiones (p. ej. otro-equipo)', 'lower-case letters, digits and hyphens only (e.g. other-device)'],
};

// zod 4 leaves the offending value out of issues unless asked: without it a wrong type («"active": "sí"») would read
// as a missing field.
const PARSE_PARAMS = { reportInput: true } as const;

function describe(issue: z.core.$ZodIssue): [string, string] {
  const field = String([...issue.path].reverse().find((p) => typeof p === 'string') ?? '');
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return ['campo obligatorio', 'required field'];
      return [`tipo inválido: se esperaba ${spanishType(issue.expected)}`, `invalid type: expected ${issue.expected}`];
    case 'invalid_value': {
      if (field === 'format') return [`formato desconocido; use «${CATALOG_FORMAT}»`, `unknown format; use "${CATALOG_FORMAT}"`];
      const hint = FIELD_HINTS[field];
      return hint ? [`valor no permitido: ${hint[0]}`, `value not allowed: ${hint[1]}`] : ['valor no permitido', 'value not allowed'];
    }
    case 'invalid_format': {
      const hint = FIELD_HINTS[field];
      return hint ? [`formato inválido: ${hint[0]}`, `invalid format: ${hint[1]}`] : ['formato inválido', 'invalid format'];
    }
    case 'too_small':
      if (issue.origin === 'array') return ['la lista no puede estar vacía', 'the list must not be empty'];
      return ['el texto no puede estar vacío', 'the text must not be empty'];
    case 'too_big':
      return [`demasiado largo (máximo ${String(issue.maximum)})`, `too long (maximum ${String(issue.maximum)})`];
    default:
      return ['valor inválido', 'invalid value'];
  }
}

function spanishType(expected: string): string {
  const names: Record<string, string> = { string: 'texto', number: 'número', boolean: 'verdadero/falso', array: 'lista', object: 'objeto' };
  return names[expected] ?? expected;
}

function zodProblems(error: z.ZodError, prefix: ReadonlyArray<PropertyKey>): CatalogProblem[] {
  const problems: CatalogProblem[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        problems.push({ path: formatPath([...prefix, ...issue.path, key]), message: 'campo desconocido', messageEn: 'unknown field' });
      }
      continue;
    }
    const [message, messageEn] = describe(issue);
    problems.push({ path: formatPath([...prefix, ...issue.path]), message, messageEn });
  }
  return problems;
}

/** Rules zod cannot express per field: options only for `choice`, unique diagnostic ids. */
function serviceRules(service: CatalogServiceDef, prefix: ReadonlyArray<PropertyKey>): CatalogProblem[] {
  const problems: CatalogProblem[] = [];
  const ids = new Set<string>();
  service.diagnostics.forEach((d, i) => {
    const at = [...prefix, 'diagnostics', i];
    if (d.answer === 'choice' && (d.options?.length ?? 0) < 2) {
      problems.push({ path: formatPath([...at, 'options']), message: 'una pregunta de opción necesita al menos 2 opciones', messageEn: 'a choice question needs at least 2 options' });
    }
    if (d.answer !== 'choice' && d.options !== undefined) {
      problems.push({ path: formatPath([...at, 'options']), message: 'solo las preguntas «choice» llevan opciones', messageEn: 'only "choice" questions take options' });
    }
    if (ids.has(d.id)) problems.push({ path: formatPath([...at, 'id']), message: `identificador repetido: ${d.id}`, messageEn: `duplicate id: ${d.id}` });
    ids.add(d.id);
  });
  return problems;
}

/** Validates one service (paths relative to the service). Throws CatalogValidationError. */
export function parseService(input: unknown): CatalogServiceDef {
  const result = serviceSchema.safeParse(input, PARSE_PARAMS);
  if (!result.success) throw new CatalogValidationError(zodProblems(result.error, []));
  const problems = serviceRules(result.data, []);
  if (problems.length > 0) throw new CatalogValidationError(problems);
  return result.data;
}

/**
 * Validates a whole catalog file strictly: unknown fields, bad enums, empty examples, duplicate
 * codes and malformed diagnostics are all reported at once with their paths. Throws CatalogValidationError.
 */
export function parseCatalog(input: unknown): CatalogFile {
  const result = catalogSchema.safeParse(input, PARSE_PARAMS);
  if (!result.success) throw new CatalogValidationError(zodProblems(result.error, []));
  const catalog = result.data;
  const problems: CatalogProblem[] = [];
  const seen = new Map<string, number>();
  catalog.services.forEach((s, i) => {
    const first = seen.get(s.code);
    if (first !== undefined) {
      problems.push({ path: `services[${i}].code`, message: `código repetido: ${s.code} (ya está en services[${first}])`, messageEn: `duplicate code: ${s.code} (already at services[${first}])` });
    } else seen.set(s.code, i);
    problems.push(...serviceRules(s, ['services', i]));
  });
  if (problems.length > 0) throw new CatalogValidationError(problems);
  return catalog;
}

/** Extra checks before a catalog can serve: at least one active service. */
export function publishProblems(catalog: CatalogFile): CatalogProblem[] {
  if (!catalog.services.some((s) => s.active)) {
    return [{ path: 'services', message: 'se necesita al menos un servicio activo para publicar', messageEn: 'at least one active service is needed to publish' }];
  }
  return [];
}

/** A stable JSON text of a catalog: the same content always gives the same text (for hashing and diffs). */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
