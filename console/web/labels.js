// What the console shows for each value of the catalog format (DESIGN.md §6) and of the API.

export const SCOPE_LABELS = { sai: 'Ticket (sai)', informative: 'Informativo' };
export const KIND_LABELS = { fault: 'Falla', request: 'Petición', either: 'Ambos' };
export const URGENCY_LABELS = { critical: 'Crítica', high: 'Alta', medium: 'Media', low: 'Baja' };
export const ANSWER_LABELS = { yesno: 'Sí / No', choice: 'Opción de una lista', text: 'Texto libre' };
export const LANGUAGE_LABELS = { es: 'Español', en: 'Inglés' };
export const DECISION_LABELS = {
  service: 'Servicio',
  informative: 'Informativo',
  out_of_scope: 'Fuera de ámbito',
  ambiguous: 'Ambiguo',
};
export const SOURCE_LABELS = {
  publish: 'Publicación',
  import: 'Importación',
  rollback: 'Restauración',
  default: 'Catálogo inicial',
};
export const ROLE_LABELS = { admin: 'Administración', coordinator: 'Coordinación', agent: 'Agente' };
export const FIELD_LABELS = {
  code: 'Código',
  name: 'Nombre',
  category: 'Categoría',
  scope: 'Ámbito',
  kind: 'Tipo',
  resolverGroup: 'Grupo resolutor',
  examples: 'Ejemplos',
  selfHelp: 'Pasos de autoayuda',
  diagnostics: 'Preguntas de diagnóstico',
  defaultUrgency: 'Urgencia predeterminada',
  active: 'Activo',
};
export const SETTINGS_LABELS = {
  language: 'Idioma',
  referral: 'Mensaje y teléfono de orientación',
  outOfScope: 'Ejemplos fuera de ámbito',
};

/** A label, or the raw value when the API sends one this console does not know yet. */
export function label(map, value) {
  return Object.prototype.hasOwnProperty.call(map, value) ? map[value] : String(value ?? '—');
}

/** `[value, label]` pairs for a `<select>`. */
export function options(map) {
  return Object.entries(map);
}

/** The fewest examples that let the classifier tell a service apart; fewer is allowed but warned about. */
export const RECOMMENDED_EXAMPLES = 8;
