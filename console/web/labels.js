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
export const ROLE_LABELS = { admin: 'Administración', coordinator: 'Coordinación', agent: 'Agente', resolver: 'Resolutor' };
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
  requiresAgent: 'Lo atiende un agente',
  // Tickets registered from the console («Registrar solicitud», «Crear ticket»).
  channel: 'Medio',
  reference: 'Número de oficio',
  description: 'Descripción',
  urgency: 'Urgencia',
  impact: 'Impacto',
  serviceCode: 'Código de servicio',
  requester: 'Solicitante',
  unitName: 'Unidad',
  role: 'Tipo de usuario',
  extension: 'Extensión',
  email: 'Correo electrónico',
  phone: 'Teléfono',
  group: 'Grupo',
  agentUserId: 'Agente',
  note: 'Nota',
  text: 'Mensaje',
  // Directory entries («Directorio»).
  title: 'Título',
  gender: 'Género',
  area: 'Área',
  position: 'Puesto',
  aliases: 'Alias',
  availability: 'Disponibilidad',
  availabilityNote: 'Nota de disponibilidad',
  route: 'Ruta',
  uri: 'Dirección SIP',
  number: 'Número',
  sendDigits: 'Dígitos a enviar',
  outboundAllowed: 'Llamadas al exterior',
  pin: 'NIP',
};
export const SETTINGS_LABELS = {
  language: 'Idioma',
  referral: 'Mensaje y teléfono de orientación',
  outOfScope: 'Ejemplos fuera de ámbito',
};

// --- live attention («Atención») ------------------------------------------------------------------------------
export const PRESENCE_LABELS = { available: 'Disponible', busy: 'Ocupado', away: 'Ausente', offline: 'Desconectado' };
export const HANDOFF_STATUS_LABELS = { queued: 'En espera', offered: 'Ofrecida a usted', assigned: 'En atención', closed: 'Cerrada', cancelled: 'Cancelada' };
export const HANDOFF_REASON_LABELS = {
  asked: 'Pidió hablar con un agente',
  not_understood: 'El bot no le entendió',
  distress: 'Molestia o urgencia',
  critical: 'Urgencia crítica',
  requires_agent: 'Servicio que atiende un agente',
  transfer: 'Transferida',
};
export const CHANNEL_LABELS = {
  webchat: 'Chat web',
  directline: 'Chat web',
  voice: 'Teléfono',
  email: 'Correo electrónico',
  facebook: 'Messenger',
  x: 'X (mensaje directo)',
  twitter: 'X (mensaje directo)',
  sms: 'SMS',
  whatsapp: 'WhatsApp',
  emulator: 'Emulador',
  msteams: 'Teams',
  oficio: 'Oficio',
  presencial: 'Presencial',
};
export const TRANSCRIPT_FROM_LABELS = { person: 'Persona', bot: 'Bot', agent: 'Agente', system: 'Mensaje automático' };
export const TICKET_STATUS_LABELS = { registered: 'Registrado', assigned: 'Asignado', in_progress: 'En proceso', resolved: 'Resuelto', closed: 'Cerrado', cancelled: 'Cancelado' };
export const TICKET_KIND_LABELS = { incident: 'Falla', request: 'Petición de servicio' };
export const IMPACT_LABELS = { extensive: 'Extenso (100 %)', significant: 'Significativo (60 %)', moderate: 'Moderado (30 %)', minor: 'Menor (5 %)' };
export const REQUESTER_ROLE_LABELS = { docente: 'Docente', administrativo: 'Personal administrativo', estudiante: 'Estudiante', otro: 'Otro' };
export const WALK_IN_CHANNEL_LABELS = { oficio: 'Oficio (por escrito)', presencial: 'Presencial (en ventanilla)' };
export const PERSON_FIELD_LABELS = {
  name: 'Nombre',
  unitName: 'Unidad',
  unit: 'Unidad',
  unitCode: 'Clave de la unidad',
  role: 'Tipo de usuario',
  extension: 'Extensión',
  email: 'Correo electrónico',
  phone: 'Teléfono',
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

// --- quality review («Calidad») ------------------------------------------------------------------------------
export const QUALITY_STATUS_LABELS = { in_review: 'En revisión', submitted: 'Enviada a coordinación', returned: 'Devuelta', approved: 'Aprobada' };
export const VERDICT_LABELS = { pass: 'Cumple', fail: 'No cumple', na: 'No aplica' };
export const ACTION_STATUS_LABELS = { open: 'Abierta', done: 'Atendida', effective: 'Eficaz', not_effective: 'No eficaz' };
export const QUALITY_HISTORY_LABELS = { created: 'Muestra extraída', submit: 'Enviada a coordinación', submitted: 'Enviada a coordinación', return: 'Devuelta', returned: 'Devuelta', approve: 'Aprobada', approved: 'Aprobada' };
