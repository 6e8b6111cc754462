import { messages } from '../../dialogs/messages/es-MX';
import { parseCatalog } from '../../services/catalog/catalog-format';
import { readDefaultCatalog } from '../../services/catalog/default-catalog';
import { DirectLineTestClient, StreamCollector } from '../support/directline-client';
import { startApp, type RunningApp } from '../support/harness';
import { exchange, runScript } from '../support/script-driver';

const SECRET = 'directline-secret-for-tests-0123456789';
const m = messages.attention;

/**
 * The attention script end to end over the self-hosted Direct Line, with the shipped default catalog:
 * a fault, a request, an informative record, an out-of-scope request and a status lookup.
 */
describe('attention script over Direct Line (default catalog)', () => {
  let running: RunningApp;
  const streams: StreamCollector[] = [];

  beforeAll(async () => {
    running = await startApp({ env: { DIRECTLINE_SECRET: SECRET } });
  }, 120_000);
  afterAll(async () => {
    await Promise.all(streams.map((s) => s.close()));
    await running.stop();
  });

  async function open(userId?: string) {
    const g = await DirectLineTestClient.generate(running.baseUrl, { secret: SECRET, ...(userId ? { userId } : {}) });
    const start = await g.client.startConversation();
    const stream = await StreamCollector.open(start.body.streamUrl as string);
    streams.push(stream);
    await stream.waitFor((a) => a.some((x) => x.type === 'message'));
    return { client: g.client, conversationId: g.conversationId, stream };
  }

  test('fault: diagnostics, self-help, «no» → incident ticket in the right resolver group, told and stored', async () => {
    const c = await open();
    const run = await runScript(c.client, c.conversationId, c.stream, 'mi extensión no tiene tono', {
      identification: 'soy docente de la ESCOM',
      extension: '52030',
      resolved: 'no, sigue igual',
      impact: 'solo a mí',
    });
    expect(run.transcript[0]?.[1][0]).toBe(m.understood(nameOf('TELEFONIA-SIN-TONO')));
    expect(run.ticketNumber).toMatch(/^CAU-\d{4}-\d{6}$/);
    const told = run.transcript.flatMap(([, replies]) => replies).find((t) => t.includes(run.ticketNumber ?? '?'));
    expect(told).toBe(m.ticketRegistered(run.ticketNumber ?? '', 'Telefonía'));
    const ticket = await running.app.repositories.tickets.findByNumber(run.ticketNumber ?? '');
    expect(ticket).toMatchObject({ kind: 'incident', serviceCode: 'TELEFONIA-SIN-TONO', resolverGroup: 'Telefonía', channel: 'webchat', urgency: 'high' });
    expect(ticket?.diagnostics).toHaveLength(3);
    expect(ticket?.announcedAt).not.toBeNull();
  }, 60_000);

  test('request → request ticket', async () => {
    const c = await open();
    const run = await runScript(c.client, c.conversationId, c.stream, 'necesito que activen el nodo de red de la oficina nueva', {
      identification: 'personal administrativo de UPIICSA',
      extension: '70100',
    });
    const ticket = await running.app.repositories.tickets.findByNumber(run.ticketNumber ?? '');
    expect(ticket).toMatchObject({ kind: 'request', serviceCode: 'RED-ACTIVACION-NODO', resolverGroup: 'Redes y telecomunicaciones' });
  }, 60_000);

  test('informative → CAU_INFORMATIVO_04A record', async () => {
    const c = await open();
    const run = await runScript(c.client, c.conversationId, c.stream, '¿me prestan un proyector para mi clase?', {
      identification: 'docente de la vocacional 9',
      extension: 'no tengo',
    });
    const told = run.transcript.flatMap(([, replies]) => replies);
    expect(told).toContain(m.informativeRegistered(run.ticketNumber ?? ''));
    const ticket = await running.app.repositories.tickets.findByNumber(run.ticketNumber ?? '');
    expect(ticket).toMatchObject({ kind: 'informative', serviceCode: 'EQUIPO-PRESTAMO' });
    expect(ticket?.requester).toMatchObject({ unitCode: 'CECYT-9' });
  }, 60_000);

  test('out of scope → referral with phone and apology, recorded, farewell with summary', async () => {
    const c = await open();
    const catalog = parseCatalog(readDefaultCatalog());
    const replies = await exchange(c.client, c.conversationId, c.stream, '¿cuándo pagan la beca?');
    expect(replies.map((a) => a.text)).toEqual([catalog.referral.message, m.referralPhone(catalog.referral.phone), m.outOfScopeApology, messages.anythingElse]);
    const bye = await exchange(c.client, c.conversationId, c.stream, 'no, gracias');
    expect(String(bye[0]?.text)).toContain(`En resumen, ${m.summaryOutOfScope}.`);
    const outcomes = await running.app.repositories.attentions.byConversation(c.conversationId);
    expect(outcomes.map((o) => o.outcome)).toEqual(['out_of_scope']);
    const metrics = await (await fetch(`${running.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/^ventanilla_attention_outcomes_total\{outcome="out_of_scope"\} [1-9]/m);
    expect(metrics).toMatch(/^ventanilla_outbox_pending \d+$/m);
  }, 60_000);

  test('status lookup: the same person gets the status; a stranger is refused without learning anything', async () => {
    const owner = await open('portal-user-status');
    const run = await runScript(owner.client, owner.conversationId, owner.stream, 'olvidé la contraseña de mi correo institucional', {
      identification: 'estudiante de la ESCOM',
      contact: 'Rosa Martínez Vega, rosa.mv@alumno.ipn.mx, 5522223333',
    });
    const number = run.ticketNumber ?? '';
    // A new conversation of the same portal user: same identity, so the status is told.
    const again = await open('portal-user-status');
    const status = await exchange(again.client, again.conversationId, again.stream, `¿cómo va mi reporte ${number.replace(/-/g, '')}?`);
    expect(String(status[0]?.text)).toMatch(new RegExp(`^Su reporte ${number} .* está en estado «Registrado»`));

    const stranger = await open();
    const asked = await exchange(stranger.client, stranger.conversationId, stranger.stream, `estado del reporte ${number}`);
    expect(asked.map((a) => a.text)).toEqual([m.verifyOwner]);
    const refused = await exchange(stranger.client, stranger.conversationId, stranger.stream, 'nadie@ipn.mx');
    expect(refused.map((a) => a.text)).toEqual([m.statusRefused, messages.anythingElse]);
  }, 90_000);
});

function nameOf(code: string): string {
  return parseCatalog(readDefaultCatalog()).services.find((s) => s.code === code)?.name ?? code;
}
