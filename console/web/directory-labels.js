// What the «Directorio» section shows for each value of the directory API.

export const DIRECTORY_KIND_LABELS = { person: 'Persona', area: 'Área' };
export const AVAILABILITY_LABELS = { available: 'Disponible', away: 'Ausente', unavailable: 'No disponible' };
export const GENDER_LABELS = { '': '—', f: 'Femenino (la)', m: 'Masculino (el)' };
export const ROUTE_KIND_LABELS = { '': 'Sin ruta (solo se da la extensión)', sip: 'SIP (conmutador)', pstn: 'Número telefónico' };
export const MATCHED_ON_LABELS = { name: 'Nombre', alias: 'Alias', area: 'Área', extension: 'Extensión', position: 'Puesto' };
export const OUTCOME_LABELS = {
  confident: 'Coincidencia segura: se confirma y se transfiere',
  confirm: 'Coincidencia probable: se pregunta «¿Se refiere a …?»',
  ambiguous: 'Varias posibles: se ofrece elegir',
  none: 'Sin coincidencia',
};

/** «sip:42500@pbx…», «+525553001234 (ww44300)» or «—». */
export function routeText(route) {
  if (!route) return '—';
  if (route.kind === 'sip') return route.uri;
  return route.sendDigits ? `${route.number} (${route.sendDigits})` : route.number;
}
