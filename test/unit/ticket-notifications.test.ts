import type { TicketRow } from '../../models';
import { ticketNotifications, type TicketNotificationSettings } from '../../services/notify/ticket-notifications';

function ticket(over: Partial<TicketRow> = {}): TicketRow {
  return {
    id: '6f1c2a8e-0d1b-4c59-9d5e-2b7a4d3c1f00',
    number: 'CAU-2026-000123',
    kind: 'incident',
    status: 'registered',
    serviceCode: 'WIFI-SENAL',
    serviceName: 'Falla de señal Wi-Fi',
    resolverGroup: 'Redes y telecomunicaciones',
    requester: { name: 'Ana López', email: 'ana@ipn.mx', phone: '5557296000', role: 'docente', unit: 'Escuela Superior de Cómputo', unitCode: 'ESCOM', extension: '52000' },
    channel: 'webchat',
    conversationId: 'conv-1',
    description: 'No hay señal de Wi-Fi en el edificio 2.\nDesde ayer en la mañana.',
    diagnostics: [{ id: 'otro-equipo', question: '¿Le pasa también en otro equipo?', answer: 'Sí' }],
    urgency: 'high',
    impact: 'moderate',
    priority: 'P2',
    catalogVersion: 4,
    idempotencyKey: 'directline:conv-1|0000007',
    requesterId: null,
    assignee: null,
    announcedAt: null,
    createdAt: new Date('2026-11-20T16:05:00Z'),
    updatedAt: new Date('2026-11-20T16:05:00Z'),
    ...over,
  };
}

const settings = (over: Partial<TicketNotificationSettings> = {}): TicketNotificationSettings => ({
  email: true,
  requester: true,
  groupEmails: { 'Redes y telecomunicaciones': 'redes@ipn.mx', '*': 'mesa@ipn.mx' },
  webhook: null,
  ...over,
});

interface Mail {
  to: string[];
  subject: string;
  text: string;
  html: string;
}
const mail = (payload: Record<string, unknown>) => payload as unknown as Mail;

describe('ticketNotifications', () => {
  it('acknowledges to the requester: number, service, group and that a resolver will call or write — never their own text', () => {
    const [toRequester] = ticketNotifications(ticket(), settings());
    expect(toRequester).toMatchObject({ kind: 'email', dedupeKey: 'ticket:6f1c2a8e-0d1b-4c59-9d5e-2b7a4d3c1f00:requester' });
    const m = mail(toRequester!.payload);
    expect(m.to).toEqual(['ana@ipn.mx']);
    expect(m.subject).toBe('Su reporte CAU-2026-000123 fue registrado');
    expect(m.text).toContain('Buen día, Ana López:');
    expect(m.text).toContain('Su reporte fue registrado con el número CAU-2026-000123.');
    expect(m.text).toContain('Servicio: Falla de señal Wi-Fi');
    expect(m.text).toContain('Grupo resolutor: Redes y telecomunicaciones');
    // The address is whatever the visitor typed: their text is not relayed to it.
    expect(m.text).not.toContain('No hay señal de Wi-Fi en el edificio 2');
    expect(m.html).not.toContain('No hay señal de Wi-Fi en el edificio 2');
    expect(m.text).toContain('Fecha de registro: 20 de noviembre de 2026');
    expect(m.text).toContain('Un resolutor se pondrá en contacto con usted por correo electrónico o por teléfono');
    expect(m.text).not.toContain('CAU_INFORMATIVO_04A');
    expect(m.html).toContain('<th align="left" style="padding:2px 12px 2px 0">Número</th><td>CAU-2026-000123</td>');
  });

  it('says «solicitud» for a request and names the CAU_INFORMATIVO_04A concept for an informative record', () => {
    expect(mail(ticketNotifications(ticket({ kind: 'request' }), settings())[0]!.payload).subject).toBe('Su solicitud CAU-2026-000123 fue registrada');
    const [toRequester, toGroup] = ticketNotifications(ticket({ kind: 'informative', serviceCode: null, serviceName: 'Préstamo de proyector', resolverGroup: null }), settings());
    const m = mail(toRequester!.payload);
    expect(m.subject).toBe('Su solicitud CAU-2026-000123 fue registrada');
    expect(m.text).toContain('bajo el concepto CAU_INFORMATIVO_04A');
    expect(m.text).toContain('Grupo resolutor: Por asignar');
    expect(mail(toGroup!.payload)).toMatchObject({ to: ['mesa@ipn.mx'], subject: 'Nuevo registro CAU-2026-000123 (CAU_INFORMATIVO_04A): Préstamo de proyector' });
  });

  it('sends the whole ticket to the resolver group mailbox, in Spanish labels', () => {
    const [, toGroup] = ticketNotifications(ticket(), settings());
    expect(toGroup).toMatchObject({ kind: 'email', dedupeKey: 'ticket:6f1c2a8e-0d1b-4c59-9d5e-2b7a4d3c1f00:group' });
    const m = mail(toGroup!.payload);
    expect(m.to).toEqual(['redes@ipn.mx']);
    expect(m.subject).toBe('Nuevo ticket CAU-2026-000123 (Incidente, P2): Falla de señal Wi-Fi');
    for (const line of [
      'Tipo: Incidente',
      'Estado: Registrado',
      'Servicio: Falla de señal Wi-Fi (WIFI-SENAL)',
      'Urgencia: Alta',
      'Impacto: Moderado',
      'Prioridad: P2',
      'Canal: Chat web',
      'Nombre: Ana López',
      'Unidad: ESCOM (Escuela Superior de Cómputo)',
      'Perfil: docente',
      'Extensión: 52000',
      'Correo electrónico: ana@ipn.mx',
      'Teléfono: 5557296000',
      'No hay señal de Wi-Fi en el edificio 2.\nDesde ayer en la mañana.',
      '- ¿Le pasa también en otro equipo?\n  Respuesta: Sí',
    ]) {
      expect(m.text).toContain(line);
    }
    expect(m.html).toContain('No hay señal de Wi-Fi en el edificio 2.<br>Desde ayer en la mañana.');
  });

  it('uses the «*» mailbox for an unlisted group and skips the group mail when there is none', () => {
    const other = ticketNotifications(ticket({ resolverGroup: 'Telefonía' }), settings());
    expect(mail(other[1]!.payload).to).toEqual(['mesa@ipn.mx']);
    const none = ticketNotifications(ticket({ resolverGroup: 'Telefonía' }), settings({ groupEmails: { 'Redes y telecomunicaciones': 'redes@ipn.mx' } }));
    expect(none.map((m) => m.dedupeKey?.split(':')[2])).toEqual(['requester']);
  });

  it('writes no requester mail when it is switched off or there is no usable address', () => {
    const keys = (msgs: ReturnType<typeof ticketNotifications>) => msgs.map((m) => m.dedupeKey?.split(':')[2]);
    expect(keys(ticketNotifications(ticket(), settings({ requester: false })))).toEqual(['group']);
    expect(keys(ticketNotifications(ticket({ requester: { name: 'Ana', phone: '555' } }), settings()))).toEqual(['group']);
    expect(keys(ticketNotifications(ticket({ requester: { email: 'ana@ipn.mx\nBcc: x@y.z' } }), settings()))).toEqual(['group']);
  });

  it('writes no separate requester mail for a ticket registered by e-mail (the thread\'s reply told the number)', () => {
    const keys = ticketNotifications(ticket({ channel: 'email' }), settings()).map((m) => m.dedupeKey?.split(':')[2]);
    expect(keys).toEqual(['group']);
  });

  it('enqueues no e-mail at all without SMTP, and no webhook unless one is configured', () => {
    expect(ticketNotifications(ticket(), settings({ email: false }))).toEqual([]);
    expect(ticketNotifications(ticket(), settings({ email: false, webhook: { url: 'https://sai.ipn.mx/hooks' } })).map((m) => m.kind)).toEqual(['webhook']);
  });

  it('builds the ticket.created webhook with every public field and never the secret', () => {
    const hook = { url: 'https://sai.ipn.mx/hooks', secret: 'no-debe-viajar-en-el-payload' };
    const msgs = ticketNotifications(ticket(), settings({ webhook: hook }));
    const webhook = msgs.find((m) => m.kind === 'webhook')!;
    expect(webhook.dedupeKey).toBe('ticket:6f1c2a8e-0d1b-4c59-9d5e-2b7a4d3c1f00:webhook');
    expect(webhook.payload).toEqual({
      url: 'https://sai.ipn.mx/hooks',
      event: 'ticket.created',
      body: {
        event: 'ticket.created',
        ticket: {
          id: '6f1c2a8e-0d1b-4c59-9d5e-2b7a4d3c1f00',
          number: 'CAU-2026-000123',
          kind: 'incident',
          status: 'registered',
          serviceCode: 'WIFI-SENAL',
          serviceName: 'Falla de señal Wi-Fi',
          resolverGroup: 'Redes y telecomunicaciones',
          requester: ticket().requester,
          channel: 'webchat',
          description: ticket().description,
          diagnostics: ticket().diagnostics,
          urgency: 'high',
          impact: 'moderate',
          priority: 'P2',
          catalogVersion: 4,
          assignee: null,
          createdAt: '2026-11-20T16:05:00.000Z',
          updatedAt: '2026-11-20T16:05:00.000Z',
        },
      },
    });
    expect(JSON.stringify(msgs)).not.toContain(hook.secret);
  });

  it('escapes everything that goes into the HTML and keeps line breaks out of subjects', () => {
    const evil = '<script>alert("x")</script> & <img src=x onerror=alert(1)>';
    const msgs = ticketNotifications(
      ticket({
        description: evil,
        serviceName: 'Wi-Fi <b>\r\nBcc: todos@ipn.mx',
        requester: { name: `<a href="javascript:alert('n')">Ana</a>`, email: 'ana@ipn.mx', unit: '<u>ESCOM</u>' },
        diagnostics: [{ id: 'q', question: '<i>¿Otro equipo?</i>', answer: '"><svg onload=alert(2)>' }],
      }),
      settings(),
    );
    for (const m of msgs.map((x) => mail(x.payload))) {
      expect(m.html).not.toMatch(/<script|<img|<svg|<a |<u>|<i>|<b>/);
      expect(m.subject).not.toMatch(/[\r\n]/);
    }
    const group = mail(msgs[1]!.payload);
    expect(group.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;img src=x onerror=alert(1)&gt;');
    expect(group.html).toContain('&lt;a href=&quot;javascript:alert(&#39;n&#39;)&quot;&gt;Ana&lt;/a&gt;');
    expect(group.subject).toBe('Nuevo ticket CAU-2026-000123 (Incidente, P2): Wi-Fi <b> Bcc: todos@ipn.mx');
  });

  it('a group named like an object property («constructor») still goes to the fallback mailbox', () => {
    const messages = ticketNotifications(ticket({ resolverGroup: 'constructor' }), settings());
    const toGroup = messages.find((x) => x.dedupeKey?.endsWith(':group'));
    expect(mail(toGroup!.payload).to).toEqual(['mesa@ipn.mx']);
  });
});
