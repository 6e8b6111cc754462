/**
 * Validation of directory entries as they come in (console, CSV, CLI): one zod schema with Spanish messages, so the
 * console can show each problem next to its field and an import can say which line and column is wrong.
 */
import { z } from 'zod';
import { DIRECTORY_AVAILABILITY, DIRECTORY_KINDS, DirectoryError, type DirectoryInput } from './directory-types';

const ES = z.locales.es();

export const MAX_NAME_LENGTH = 200;
export const MAX_ALIASES = 20;

/** Empty strings are «not given». */
const optionalText = (max: number, label: string) =>
  z
    .string({ error: `${label} debe ser texto.` })
    .trim()
    .max(max, { error: `${label} admite hasta ${max} caracteres.` })
    .nullish()
    .transform((v) => (v === '' ? null : v));

const sipRoute = z.strictObject({
  kind: z.literal('sip'),
  uri: z
    .string()
    .trim()
    .max(200, { error: 'La dirección SIP admite hasta 200 caracteres.' })
    .regex(/^sips?:[^\s@:]+@[^\s@]+$/i, { error: 'La dirección SIP debe tener la forma sip:42500@pbx.ejemplo.gob.mx.' }),
});
const pstnRoute = z.strictObject({
  kind: z.literal('pstn'),
  number: z.string().trim().regex(/^\+[1-9]\d{7,14}$/, { error: 'El número debe ir en formato internacional, p. ej. +525553001234.' }),
  sendDigits: z
    .string()
    .trim()
    .regex(/^[0-9wW*#]{1,40}$/, { error: 'Los dígitos a enviar llevan solo dígitos, «w» (pausa de medio segundo), «*» o «#».' })
    .optional(),
});

const inputSchema = z.strictObject({
  kind: z.enum(DIRECTORY_KINDS, { error: 'Indique si es una persona (person) o un área (area).' }).optional(),
  name: z
    .string({ error: 'Escriba el nombre.' })
    .trim()
    .min(1, { error: 'Escriba el nombre.' })
    .max(MAX_NAME_LENGTH, { error: `El nombre admite hasta ${MAX_NAME_LENGTH} caracteres.` })
    .optional(),
  title: optionalText(20, 'El título'),
  gender: z.enum(['f', 'm'], { error: 'El género es «f», «m» o vacío.' }).nullish(),
  area: optionalText(200, 'El área'),
  position: optionalText(200, 'El puesto'),
  aliases: z
    .array(z.string({ error: 'Cada alias debe ser texto.' }).trim().max(100, { error: 'Cada alias admite hasta 100 caracteres.' }), { error: 'Los alias van en una lista.' })
    .max(MAX_ALIASES, { error: `Como máximo ${MAX_ALIASES} alias.` })
    .optional()
    .transform((list) => (list ? [...new Set(list.filter((a) => a !== ''))] : undefined)),
  extension: z
    .string()
    .trim()
    .regex(/^(?:\d{2,8})?$/, { error: 'La extensión lleva de 2 a 8 dígitos.' })
    .nullish()
    .transform((v) => (v === '' ? null : v)),
  phone: z
    .string()
    .trim()
    .regex(/^[\d +()-]{0,25}$/, { error: 'El teléfono lleva dígitos, espacios, «+», «-» o paréntesis (hasta 25).' })
    .nullish()
    .transform((v) => (v === '' ? null : v)),
  email: z
    .union([z.literal(''), z.email({ error: 'El correo no es válido.' }).max(200, { error: 'El correo admite hasta 200 caracteres.' })])
    .nullish()
    .transform((v) => (v === '' ? null : v?.toLowerCase())),
  availability: z.enum(DIRECTORY_AVAILABILITY, { error: 'La disponibilidad es available, away o unavailable.' }).optional(),
  availabilityNote: optionalText(300, 'La nota de disponibilidad'),
  route: z.discriminatedUnion('kind', [sipRoute, pstnRoute], { error: 'La ruta es {"kind": "sip", "uri": …} o {"kind": "pstn", "number": …}.' }).nullish(),
  outboundAllowed: z.boolean({ error: 'Indique sí o no (true/false).' }).optional(),
  pin: z
    .string()
    .regex(/^\d{4,8}$/, { error: 'El NIP lleva de 4 a 8 dígitos.' })
    .nullish(),
  active: z.boolean({ error: 'Indique sí o no (true/false).' }).optional(),
});

/**
 * Checks an entry's fields. `create` needs at least the kind and the name; an update takes any subset.
 * Throws `DirectoryError('directory/invalid_input')` with one problem per field.
 */
export function parseDirectoryInput(value: unknown, mode: 'create' | 'update'): DirectoryInput {
  const parsed = inputSchema.safeParse(value, { error: ES.localeError });
  const problems = parsed.success ? [] : parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.') || '(raíz)', message: i.message }));
  if (parsed.success && mode === 'create') {
    if (!parsed.data.kind) problems.push({ path: 'kind', message: 'Indique si es una persona (person) o un área (area).' });
    if (!parsed.data.name) problems.push({ path: 'name', message: 'Escriba el nombre.' });
  }
  if (!parsed.success || problems.length > 0) {
    throw new DirectoryError('directory/invalid_input', `Datos inválidos: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`, problems);
  }
  const data = parsed.data;
  const out: DirectoryInput = {};
  for (const [key, v] of Object.entries(data)) {
    if (v !== undefined) Object.assign(out, { [key]: v });
  }
  return out;
}
