/**
 * Every text of the ticket notifications (e-mail to the requester and to the resolver group), in Mexican
 * Spanish and the formal «usted» register, in one place so the coordinators' wording changes here only.
 * Values are plain text: the renderer escapes them for HTML.
 */
import type { TicketKind } from '../../models';

/** «reporte» for a fault, «solicitud» for a service request or an informative record (seed 003, step 5). */
const REQUEST_NOUN: Record<TicketKind, { noun: string; registered: string }> = {
  incident: { noun: 'Su reporte', registered: 'fue registrado' },
  request: { noun: 'Su solicitud', registered: 'fue registrada' },
  informative: { noun: 'Su solicitud', registered: 'fue registrada' },
};

export const notificationTexts = {
  requester: {
    subject: (kind: TicketKind, number: string) => `${REQUEST_NOUN[kind].noun} ${number} ${REQUEST_NOUN[kind].registered}`,
    greeting: (name: string | undefined) => (name ? `Buen día, ${name}:` : 'Buen día:'),
    registered: (kind: TicketKind, number: string) =>
      `${REQUEST_NOUN[kind].noun} ${REQUEST_NOUN[kind].registered} con el número ${number}. Consérvelo para dar seguimiento a su atención.`,
    informative:
      'Se registró como solicitud de servicio bajo el concepto CAU_INFORMATIVO_04A, porque el servicio lo ofrece el centro aunque no forma parte del catálogo del Sistema de Administración de Incidencias (SAI).',
    contact: 'Un resolutor se pondrá en contacto con usted por correo electrónico o por teléfono para su debida atención.',
    closing: 'Atentamente,',
  },
  group: {
    subject: (kind: TicketKind, number: string, priority: string, service: string) =>
      kind === 'informative'
        ? `Nuevo registro ${number} (CAU_INFORMATIVO_04A): ${service}`
        : `Nuevo ticket ${number} (${KIND_LABELS[kind]}, ${priority}): ${service}`,
    intro: (kind: TicketKind, number: string) =>
      kind === 'informative'
        ? `Se registró la solicitud ${number} bajo el concepto CAU_INFORMATIVO_04A.`
        : `Se registró el ticket ${number} para atención de segundo nivel.`,
    ticketHeading: 'Datos del ticket',
    requesterHeading: 'Solicitante',
    descriptionHeading: 'Descripción',
    diagnosticsHeading: 'Preguntas de diagnóstico',
    answer: 'Respuesta',
    action: 'Por favor, póngase en contacto con la persona solicitante por correo electrónico o por teléfono para su atención.',
  },
  labels: {
    number: 'Número',
    kind: 'Tipo',
    status: 'Estado',
    service: 'Servicio',
    resolverGroup: 'Grupo resolutor',
    urgency: 'Urgencia',
    impact: 'Impacto',
    priority: 'Prioridad',
    channel: 'Canal',
    createdAt: 'Fecha de registro',
    description: 'Descripción',
    name: 'Nombre',
    unit: 'Unidad',
    role: 'Perfil',
    extension: 'Extensión',
    email: 'Correo electrónico',
    phone: 'Teléfono',
  },
  /** When a field has no value. */
  none: 'No indicado',
  noService: 'Sin servicio del catálogo',
  noGroup: 'Por asignar',
};

export const KIND_LABELS: Record<TicketKind, string> = {
  incident: 'Incidente',
  request: 'Requerimiento',
  informative: 'Registro informativo',
};

/** Channel ids as the adapters name them; an unknown one is shown as it is. */
export const CHANNEL_LABELS: Record<string, string> = {
  webchat: 'Chat web',
  directline: 'Chat web',
  voice: 'Teléfono',
  phone: 'Teléfono',
  sms: 'SMS',
  whatsapp: 'WhatsApp',
  email: 'Correo electrónico',
  facebook: 'Facebook Messenger',
  x: 'X (mensaje directo)',
  console: 'Registro por agente',
  msteams: 'Microsoft Teams',
  emulator: 'Bot Framework Emulator',
};
