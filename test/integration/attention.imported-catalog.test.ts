import { messages } from '../../dialogs/messages/es-MX';
import type { CatalogFile } from '../../services/catalog/catalog-format';
import { service } from '../support/catalog-fixture';
import { DirectLineTestClient, StreamCollector } from '../support/directline-client';
import { startApp, type RunningApp } from '../support/harness';
import { exchange, runScript } from '../support/script-driver';

const SECRET = 'directline-secret-for-tests-0123456789';
const m = messages.attention;

/** A municipal treasury's IT desk: nothing in common with the shipped catalog. */
function municipalCatalog(): CatalogFile {
  return {
    format: 'ventanilla.catalog/v1',
    language: 'es',
    referral: { message: 'Ese trámite corresponde a la ventanilla de atención ciudadana del municipio.', phone: '800 123 4567' },
    services: [
      service('SIAC-ACCESO', 'Acceso al sistema de recaudación', 'Sistemas de recaudación', {
        kind: 'fault',
        resolverGroup: 'Sistemas tributarios',
        examples: [
          'no puedo entrar al sistema de recaudación',
          'el SIAC me dice usuario bloqueado',
          'no abre el sistema de cobro de predial',
          'el sistema de recaudación marca error al iniciar sesión',
        ],
        selfHelp: ['Cierre todas las ventanas del navegador y vuelva a entrar con su usuario de red.'],
        diagnostics: [{ id: 'caja', question: '¿Desde qué caja trabaja?', answer: 'choice', options: ['Caja 1', 'Caja 2', 'Caja 3'] }],
        defaultUrgency: 'high',
      }),
      service('SIAC-ALTA', 'Alta de usuario en el sistema de recaudación', 'Sistemas de recaudación', {
        kind: 'request',
        resolverGroup: 'Sistemas tributarios',
        examples: ['necesito usuario para el sistema de recaudación', 'dar de alta a un cajero nuevo en el SIAC', 'crear cuenta de cobro predial para personal nuevo', 'alta de usuario en recaudación'],
      }),
      service('CURSOS', 'Cursos de capacitación en sistemas', 'Capacitación', {
        scope: 'informative',
        kind: 'request',
        examples: ['cuándo hay curso del sistema de recaudación', 'quiero capacitación para usar el SIAC', 'hay talleres de informática para el personal', 'fechas de los cursos de sistemas'],
        selfHelp: ['Los cursos se publican cada mes en la intranet, sección Capacitación.'],
      }),
    ],
    outOfScope: { examples: ['quiero pagar mi predial', 'cuánto debo de agua', 'necesito una licencia de construcción', 'dónde tramito mi acta de nacimiento'] },
  };
}

describe('attention script over Direct Line with an imported catalog', () => {
  let running: RunningApp;
  const streams: StreamCollector[] = [];

  beforeAll(async () => {
    running = await startApp({ env: { DIRECTLINE_SECRET: SECRET } });
    await running.app.catalog.importCatalog(municipalCatalog(), { draft: false, actor: 'test', note: 'catálogo municipal' });
    await running.app.catalogRouter.refresh();
  }, 120_000);
  afterAll(async () => {
    await Promise.all(streams.map((s) => s.close()));
    await running.stop();
  });

  async function open() {
    const g = await DirectLineTestClient.generate(running.baseUrl, { secret: SECRET });
    const start = await g.client.startConversation();
    const stream = await StreamCollector.open(start.body.streamUrl as string);
    streams.push(stream);
    await stream.waitFor((a) => a.some((x) => x.type === 'message'));
    return { client: g.client, conversationId: g.conversationId, stream };
  }

  test('fault resolved at first level: diagnostics, self-help, «sí»; no ticket, recorded', async () => {
    const c = await open();
    const run = await runScript(c.client, c.conversationId, c.stream, 'el SIAC me dice usuario bloqueado', {
      identification: 'personal administrativo de la Dirección General',
      extension: '1020',
      resolved: 'sí, ya pude entrar',
    });
    const said = run.transcript.flatMap(([, replies]) => replies);
    expect(said).toContain(m.understood('Acceso al sistema de recaudación'));
    expect(said).toContain('¿Desde qué caja trabaja?');
    expect(said).toContain(`${m.selfHelpIntro}\n1. Cierre todas las ventanas del navegador y vuelva a entrar con su usuario de red.`);
    expect(said).toContain(m.firstLevelDone);
    expect(run.ticketNumber).toBeNull();
    const outcomes = await running.app.repositories.attentions.byConversation(c.conversationId);
    expect(outcomes.map((o) => [o.outcome, o.serviceCode])).toEqual([['first_level', 'SIAC-ACCESO']]);
  }, 60_000);

  test('request → ticket for the imported resolver group; informative → its information and a record; out of scope → its referral', async () => {
    const request = await open();
    const run = await runScript(request.client, request.conversationId, request.stream, 'necesito dar de alta a un cajero nuevo en el SIAC', {
      identification: 'personal administrativo de la Dirección General',
      extension: '1020',
    });
    expect(await running.app.repositories.tickets.findByNumber(run.ticketNumber ?? '')).toMatchObject({ kind: 'request', serviceCode: 'SIAC-ALTA', resolverGroup: 'Sistemas tributarios' });

    const info = await open();
    const infoRun = await runScript(info.client, info.conversationId, info.stream, '¿cuándo hay curso del sistema de recaudación?', {
      identification: 'personal administrativo de la Dirección General',
      extension: '1020',
    });
    const said = infoRun.transcript.flatMap(([, replies]) => replies);
    expect(said).toContain(`${m.informationIntro}\n1. Los cursos se publican cada mes en la intranet, sección Capacitación.`);
    expect(said).toContain(m.informativeRegistered(infoRun.ticketNumber ?? ''));

    const outside = await open();
    const replies = await exchange(outside.client, outside.conversationId, outside.stream, 'quiero pagar mi predial');
    expect(replies.map((a) => a.text)).toEqual([
      'Ese trámite corresponde a la ventanilla de atención ciudadana del municipio.',
      m.referralPhone('800 123 4567'),
      m.outOfScopeApology,
      messages.anythingElse,
    ]);
  }, 90_000);
});
