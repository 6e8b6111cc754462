import type { TestAdapter } from 'botbuilder';
import { DialogTestClient } from 'botbuilder-testing';
import { AttentionDialog } from '../../../dialogs/attention/attention.dialog';
import { ScriptUnderstanding } from '../../../dialogs/attention/script-understanding';
import { HandoffDialog } from '../../../dialogs/handoff/handoff.dialog';
import { MainDialog } from '../../../dialogs/main.dialog';
import { farewell, messages } from '../../../dialogs/messages/es-MX';
import type { CatalogFile } from '../../../services/catalog/catalog-format';
import { HANDOFF_MESSAGES_ES_MX, HandoffTriggers } from '../../../services/handoff/triggers';
import { defaultUnits } from '../../../services/script/units';
import { service, smallCatalog } from '../../support/catalog-fixture';
import { FakeDesk, FakeHandoffPort, signalActivity } from '../../support/handoff-fakes';

const a = messages.attention;
const h = messages.handoff;
const MX = 'America/Mexico_City';
const NOW = new Date('2026-11-23T17:30:00Z'); // 11:30 in Mexico City
const QUEUED = h.queued(2, 180);
const bye = (summary: string[]) => farewell({ botName: 'Ventanilla', closing: 'que tenga buen día', summary });

function catalog(): CatalogFile {
  const base = smallCatalog();
  base.services.push(
    service('SOPORTE-VIP', 'Atención a autoridades', 'Atención especial', {
      kind: 'request',
      resolverGroup: 'Atención a autoridades',
      requiresAgent: true,
      examples: ['soy el director y necesito apoyo', 'atención para la oficina del director'],
      diagnostics: [{ id: 'oficina', question: '¿Desde qué oficina nos contacta?', answer: 'text' }],
    }),
    service('SERVIDOR', 'Caída de servidores', 'Infraestructura', {
      kind: 'fault',
      resolverGroup: 'Centro de datos',
      defaultUrgency: 'critical',
      examples: ['se cayó el servidor', 'el servidor no responde'],
      selfHelp: ['Verifique si el aviso de mantenimiento está publicado en el portal.'],
      diagnostics: [{ id: 'todos', question: '¿Les pasa a todos en su área?', answer: 'yesno' }],
    }),
    service('IMPRESORA', 'Impresoras', 'Equipo de cómputo', {
      kind: 'either',
      resolverGroup: 'Soporte técnico',
      examples: ['la impresora de mi oficina', 'impresora'],
    }),
  );
  return base;
}

let counter = 0;

function setup(options: { triggers?: boolean } = {}) {
  const desk = new FakeDesk(catalog());
  desk.pin('necesito apoyo para la oficina del director', 'SOPORTE-VIP');
  desk.pin('se cayó el servidor de nómina', 'SERVIDOR');
  desk.pin('la impresora de mi oficina', 'IMPRESORA');
  const port = new FakeHandoffPort();
  const clock = { now: () => NOW };
  const understanding = new ScriptUnderstanding({ units: defaultUnits(), clock, timeZone: MX, ticketPrefix: 'CAU' });
  const triggers = options.triggers === false ? undefined : new HandoffTriggers();
  const dialog = new MainDialog({
    requestDialog: new AttentionDialog({ desk, understanding, triggers }),
    handoffDialog: new HandoffDialog({ port, desk, clock, timeZone: MX }),
    settings: { botName: 'Ventanilla', timeZone: MX },
    clock,
  });
  const client = new DialogTestClient('webchat', dialog);
  const conversationId = `handoff-attention-${++counter}`;
  const adapter = (client as unknown as { _testAdapter: TestAdapter })._testAdapter;
  adapter.conversation.conversation = { id: conversationId, isGroup: false, conversationType: 'personal', name: conversationId };
  adapter.conversation.user = { id: `person-of-${conversationId}`, name: 'Persona' };
  const say = async (activity: Parameters<typeof client.sendActivity>[0]): Promise<Array<string | undefined>> => {
    const texts: Array<string | undefined> = [];
    let reply = await client.sendActivity(activity);
    while (reply !== undefined) {
      texts.push(reply.text);
      reply = client.getNextReply();
    }
    return texts;
  };
  return { desk, port, client, conversationId, say };
}

describe('dialog-level handoff triggers (attention script → main dialog → handoff dialog)', () => {
  test('the request not understood twice in a row → handoff; returned → «¿Hay algo más…?» and the farewell names the agent', async () => {
    const t = setup();
    expect(await t.say('tengo un problema')).toEqual([a.clarify]);
    expect(await t.say('no sé, algo no sirve')).toEqual([HANDOFF_MESSAGES_ES_MX.not_understood, QUEUED]);
    expect(t.port.requests).toHaveLength(1);
    expect(t.port.requests[0]).toMatchObject({
      conversationId: t.conversationId,
      reason: 'not_understood',
      resolverGroup: null,
      priority: 0,
      context: { request: 'tengo un problema — no sé, algo no sirve', summaries: [], cues: [] },
    });
    expect(t.desk.tickets).toEqual([]);

    expect(await t.say(signalActivity({ kind: 'accepted', agentName: 'Laura Méndez' }))).toEqual(['Le atiende Laura Méndez.']);
    expect(await t.say(signalActivity({ kind: 'returned', agentName: 'Laura Méndez' }))).toEqual([messages.anythingElse]);
    expect(await t.say('no, gracias')).toEqual([bye([h.summaryAgent('Laura Méndez')])]);
  });

  test('without triggers the same conversation goes on as before (registered for the desk to classify)', async () => {
    const t = setup({ triggers: false });
    expect(await t.say('tengo un problema')).toEqual([a.clarify]);
    expect(await t.say('no sé, algo no sirve')).toEqual([a.unclassified, a.askUnitAndRole]);
    expect(t.port.requests).toEqual([]);
  });

  test('a service that requires an agent: after identification, no diagnostics; the context carries who and what', async () => {
    const t = setup();
    expect(await t.say('necesito apoyo para la oficina del director')).toEqual([a.understood('Atención a autoridades'), a.askUnitAndRole]);
    expect(await t.say('Soy estudiante de la ESCOM')).toEqual([HANDOFF_MESSAGES_ES_MX.requires_agent, QUEUED]);
    const request = t.port.requests[0];
    expect(request).toMatchObject({
      reason: 'requires_agent',
      resolverGroup: 'Atención a autoridades',
      priority: 0,
      context: {
        request: 'necesito apoyo para la oficina del director',
        person: { unitCode: 'ESCOM', role: 'estudiante' },
        requesterId: 'person-1',
        route: { decision: 'service', code: 'SOPORTE-VIP', name: 'Atención a autoridades', confidence: 0.9 },
        diagnostics: [],
        urgency: 'medium',
      },
    });
    expect(request?.context.person?.unitName).toEqual(expect.stringMatching(/Cómputo/));
  });

  test('critical urgency: after diagnostics and self-help, an agent instead of the ticket; unavailable → the prefilled ticket', async () => {
    const t = setup();
    t.port.outcome = { kind: 'unavailable', why: 'no_agents' };
    expect(await t.say('se cayó el servidor de nómina')).toEqual([a.understood('Caída de servidores'), a.askUnitAndRole]);
    expect(await t.say('docente de la ESCOM, extensión 52030')).toEqual([a.diagnosticsIntro, '¿Les pasa a todos en su área?']);
    expect(await t.say('sí')).toEqual([`${a.selfHelpIntro}\n1. Verifique si el aviso de mantenimiento está publicado en el portal.`, a.resolvedQuestion]);
    expect(await t.say('no, sigue igual')).toEqual([HANDOFF_MESSAGES_ES_MX.critical, h.noAgents, h.offer]);
    expect(t.port.requests[0]).toMatchObject({
      reason: 'critical',
      priority: 2,
      resolverGroup: 'Centro de datos',
      context: { urgency: 'critical', diagnostics: [{ question: '¿Les pasa a todos en su área?', answer: 'Sí' }], person: { extension: '52030', role: 'docente' } },
    });

    expect(await t.say('sí, registre el reporte')).toEqual([h.askContact]);
    expect(await t.say('5512345678')).toEqual([a.ticketRegistered('CAU-2026-000001', 'Centro de datos'), a.keepNumber, messages.anythingElse]);
    expect(t.desk.tickets[0]?.request).toMatchObject({
      kind: 'incident',
      serviceCode: 'SERVIDOR',
      serviceName: 'Caída de servidores',
      resolverGroup: 'Centro de datos',
      requesterId: 'person-1',
      requester: { unitCode: 'ESCOM', role: 'docente', extension: '52030', phone: '5512345678' },
      description: 'se cayó el servidor de nómina',
      diagnostics: [{ id: 'todos', question: '¿Les pasa a todos en su área?', answer: 'Sí' }],
      urgency: 'critical',
    });
    expect(t.desk.tickets[0]?.announced).toBe(true);
    expect(await t.say('no')).toEqual([bye([a.summaryTicket('CAU-2026-000001', 'Caída de servidores')])]);
  });

  test('«¿falla o petición?» not understood twice → handoff', async () => {
    const t = setup();
    await t.say('la impresora de mi oficina');
    expect(await t.say('estudiante de la ESCOM')).toEqual([a.faultOrRequest]);
    expect(await t.say('mmm')).toEqual([a.faultOrRequestRetry]);
    expect(await t.say('quién sabe')).toEqual([HANDOFF_MESSAGES_ES_MX.not_understood, QUEUED]);
    expect(t.port.requests[0]?.reason).toBe('not_understood');
  });

  test('an understood answer in between resets the count', async () => {
    const t = setup();
    expect(await t.say('tengo un problema')).toEqual([a.clarify]);
    // Routed after the clarification: understood, the count starts again.
    t.desk.pin('tengo un problema — la impresora de mi oficina', 'IMPRESORA');
    expect(await t.say('la impresora de mi oficina')).toEqual([a.understood('Impresoras'), a.askUnitAndRole]);
    expect(await t.say('estudiante de la ESCOM')).toEqual([a.faultOrRequest]);
    expect(await t.say('mmm')).toEqual([a.faultOrRequestRetry]);
    expect(t.port.requests).toEqual([]);
  });
});
