// The catalog rules the browser checks before asking the server (services/catalog/catalog-format.ts is the
// authority; it also checks lengths, diagnostic ids and the rest, and its details are shown the same way).
// Paths use the server's notation: `examples[2]`, `diagnostics[0].options`, `services[3].kind`.

export const CATALOG_FORMAT = 'ventanilla.catalog/v1';
export const CODE_PATTERN = /^[A-Z0-9]+(?:-[A-Z0-9]+)*$/;
export const DIAGNOSTIC_ID_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const SCOPES = ['sai', 'informative'];
const KINDS = ['fault', 'request', 'either'];
const URGENCIES = ['critical', 'high', 'medium', 'low'];
const ANSWERS = ['yesno', 'choice', 'text'];
const LANGUAGES = ['es', 'en'];
const SERVICE_KEYS = ['code', 'name', 'category', 'scope', 'kind', 'resolverGroup', 'examples', 'selfHelp', 'diagnostics', 'defaultUrgency', 'active', 'requiresAgent'];
const DIAGNOSTIC_KEYS = ['id', 'question', 'answer', 'options'];
const CATALOG_KEYS = ['format', 'language', 'referral', 'services', 'outOfScope'];

const REQUIRED = 'Campo obligatorio.';
const EMPTY_TEXT = 'El texto no puede estar vacío; escríbalo o quítelo.';
const blank = (v) => typeof v !== 'string' || v.trim() === '';

function join(prefix, key) {
  if (typeof key === 'number') return `${prefix}[${key}]`;
  return prefix ? `${prefix}.${key}` : key;
}

function unknownKeys(value, allowed, prefix, problems) {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) problems.push({ path: join(prefix, key), message: 'Campo desconocido.' });
  }
}

function textList(list, path, problems, { required, emptyMessage }) {
  if (!Array.isArray(list)) {
    problems.push({ path, message: list === undefined ? REQUIRED : 'Se esperaba una lista.' });
    return;
  }
  if (required && list.length === 0) problems.push({ path, message: emptyMessage });
  list.forEach((item, i) => {
    if (blank(item)) problems.push({ path: join(path, i), message: EMPTY_TEXT });
  });
}

/**
 * Problems of one service, paths relative to it (prefix them for a whole file).
 * `otherCodes`: the codes of the *other* services of the catalog, for the duplicate check.
 */
export function serviceProblems(service, { otherCodes = [], prefix = '', strict = false } = {}) {
  const problems = [];
  const at = (key) => join(prefix, key);
  if (service === null || typeof service !== 'object' || Array.isArray(service)) {
    return [{ path: prefix, message: 'Se esperaba un servicio (objeto).' }];
  }
  if (strict) unknownKeys(service, SERVICE_KEYS, prefix, problems);

  if (blank(service.code)) problems.push({ path: at('code'), message: REQUIRED });
  else if (!CODE_PATTERN.test(service.code)) {
    problems.push({ path: at('code'), message: 'Use solo MAYÚSCULAS sin acentos, dígitos y guiones entre palabras (p. ej. CORREO-CONTRASENA).' });
  } else if (otherCodes.includes(service.code)) {
    problems.push({ path: at('code'), message: `Ya existe un servicio con el código ${service.code}.` });
  }
  for (const key of ['name', 'category', 'resolverGroup']) {
    if (blank(service[key])) problems.push({ path: at(key), message: REQUIRED });
  }
  if (!SCOPES.includes(service.scope)) problems.push({ path: at('scope'), message: 'Elija «Ticket (sai)» o «Informativo».' });
  if (!KINDS.includes(service.kind)) problems.push({ path: at('kind'), message: 'Elija «Falla», «Petición» o «Ambos».' });
  if (!URGENCIES.includes(service.defaultUrgency)) problems.push({ path: at('defaultUrgency'), message: 'Elija una urgencia.' });
  if (typeof service.active !== 'boolean') problems.push({ path: at('active'), message: 'Indique si el servicio está activo.' });
  if (service.requiresAgent !== undefined && typeof service.requiresAgent !== 'boolean') {
    problems.push({ path: at('requiresAgent'), message: 'Indique si lo atiende un agente (sí o no).' });
  }

  textList(service.examples, at('examples'), problems, { required: true, emptyMessage: 'Agregue al menos un ejemplo de cómo lo pide la gente.' });
  textList(service.selfHelp, at('selfHelp'), problems, { required: false });

  if (!Array.isArray(service.diagnostics)) {
    problems.push({ path: at('diagnostics'), message: service.diagnostics === undefined ? REQUIRED : 'Se esperaba una lista.' });
  } else {
    service.diagnostics.forEach((d, i) => {
      const dp = join(at('diagnostics'), i);
      if (d === null || typeof d !== 'object' || Array.isArray(d)) {
        problems.push({ path: dp, message: 'Se esperaba una pregunta (objeto).' });
        return;
      }
      if (strict) unknownKeys(d, DIAGNOSTIC_KEYS, dp, problems);
      if (blank(d.id)) problems.push({ path: join(dp, 'id'), message: REQUIRED });
      else if (!DIAGNOSTIC_ID_PATTERN.test(d.id)) {
        problems.push({ path: join(dp, 'id'), message: 'Use solo minúsculas sin acentos, dígitos y guiones (p. ej. otro-equipo).' });
      }
      if (blank(d.question)) problems.push({ path: join(dp, 'question'), message: REQUIRED });
      if (!ANSWERS.includes(d.answer)) problems.push({ path: join(dp, 'answer'), message: 'Elija el tipo de respuesta.' });
      if (d.answer === 'choice') {
        const options = Array.isArray(d.options) ? d.options : [];
        if (options.length < 2) problems.push({ path: join(dp, 'options'), message: 'Una pregunta de opción necesita al menos 2 opciones.' });
        options.forEach((o, j) => {
          if (blank(o)) problems.push({ path: join(join(dp, 'options'), j), message: EMPTY_TEXT });
        });
      }
    });
  }
  return problems;
}

/** Problems of the catalog-wide settings (language, referral, out-of-scope examples). */
export function settingsProblems(settings, prefix = '') {
  const problems = [];
  const at = (key) => join(prefix, key);
  if (settings.language !== undefined && !LANGUAGES.includes(settings.language)) {
    problems.push({ path: at('language'), message: 'Elija «es» o «en».' });
  }
  const referral = settings.referral;
  if (!referral || typeof referral !== 'object') problems.push({ path: at('referral'), message: REQUIRED });
  else {
    if (blank(referral.message)) problems.push({ path: join(at('referral'), 'message'), message: REQUIRED });
    if (blank(referral.phone)) problems.push({ path: join(at('referral'), 'phone'), message: REQUIRED });
  }
  const outOfScope = settings.outOfScope;
  if (!outOfScope || typeof outOfScope !== 'object') problems.push({ path: at('outOfScope'), message: REQUIRED });
  else textList(outOfScope.examples, join(at('outOfScope'), 'examples'), problems, { required: false });
  return problems;
}

/** Problems of a whole catalog file (import preview), with full paths such as `services[3].kind`. */
export function catalogProblems(file) {
  if (file === null || typeof file !== 'object' || Array.isArray(file)) {
    return [{ path: '(raíz)', message: 'El archivo debe contener un objeto JSON de catálogo.' }];
  }
  const problems = [];
  unknownKeys(file, CATALOG_KEYS, '', problems);
  if (file.format !== CATALOG_FORMAT) problems.push({ path: 'format', message: `Formato desconocido; se esperaba «${CATALOG_FORMAT}».` });
  problems.push(...settingsProblems(file));
  if (!Array.isArray(file.services)) {
    problems.push({ path: 'services', message: file.services === undefined ? REQUIRED : 'Se esperaba una lista.' });
    return problems;
  }
  const seen = new Map();
  file.services.forEach((service, i) => {
    problems.push(...serviceProblems(service, { prefix: `services[${i}]`, strict: true }));
    const code = service && typeof service === 'object' ? service.code : undefined;
    if (typeof code === 'string' && code) {
      if (seen.has(code)) problems.push({ path: `services[${i}].code`, message: `Código repetido: ${code} (ya está en services[${seen.get(code)}]).` });
      else seen.set(code, i);
    }
  });
  return problems;
}
