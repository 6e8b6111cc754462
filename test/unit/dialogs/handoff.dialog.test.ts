import { type Activity, ActivityTypes, type TestAdapter } from 'botbuilder';
import { DialogTestClient } from 'botbuilder-testing';
import { UNCLASSIFIED_GROUP } from '../../../dialogs/attention/case';
import {
  HANDOFF_INITIATE_EVENT,
  HandoffDialog,
  type HandoffDialogOptions,
  type HandoffDialogResult,
  handoffSignalOf,
  parseOffer,
  type TicketDraft,
} from '../../../dialogs/handoff/handoff.dialog';
import { messages } from '../../../dialogs/messages/es-MX';
import { HANDOFF_EVENT_PREFIX, type HandoffSignal } from '../../../services/handoff/handoff-types';
import { VOICE_EVENTS } from '../../../services/voice/voice-types';
import { smallCatalog } from '../../support/catalog-fixture';
import { FakeDesk, FakeHandoffPort, signalActivity } from '../../support/handoff-fakes';

const h = messages.handoff;
const a = messages.attention;
const MX = 'America/Mexico_City';
const NOW = new Date('2026-11-23T17:30:00Z');
const WHY = 'Con gusto le comunico con un agente de la Mesa de Ayuda.';

const DRAFT: TicketDraft = {
  kind: 'incident',
  serviceCode: 'RED-WIFI',
  serviceName: 'Falla de conexión a la red inalámbrica',
  resolverGroup: 'Redes',
  description: 'no me conecta el wifi',
  diagnostics: [{ id: 'otro-equipo', question: '¿Le pasa también en otro equipo?', answer: 'Sí' }],
  urgency: 'high',
  impact: 'moderate',
};

function options(over: Partial<HandoffDialogOptions> = {}): HandoffDialogOptions {
  return {
    reason: 'asked',
    message: WHY,
    resolverGroup: 'Redes',
    context: {
      request: 'no me conecta el wifi',
      person: { name: 'Ana López Pérez', email: 'ana.lopez@ipn.mx', unitName: 'ESCOM', role: 'docente' },
      requesterId: 'person-7',
      route: { decision: 'service', code: 'RED-WIFI', name: 'Falla de conexión a la red inalámbrica', confidence: 0.8 },
      diagnostics: [{ question: '¿Le pasa también en otro equipo?', answer: 'Sí' }],
      urgency: 'high',
    },
    ticket: DRAFT,
    profile: { marker: 'profile' },
    ...over,
  };
}

let counter = 0;

function setup(
  initial: HandoffDialogOptions,
  deps: {
    withDesk?: boolean;
    transcript?: (id: string) => Promise<object[]>;
    channel?: string;
    parseTime?: (text: string, now: Date) => { at: Date; spoken: string } | null;
  } = {},
) {
  const port = new FakeHandoffPort();
  const desk = new FakeDesk(smallCatalog());
  const dialog = new HandoffDialog({
    port,
    clock: { now: () => NOW },
    timeZone: MX,
    desk: deps.withDesk === false ? undefined : desk,
    transcript: deps.transcript,
    parseTime: deps.parseTime,
  });
  const client = new DialogTestClient(deps.channel ?? 'webchat', dialog, initial);
  const conversationId = `handoff-dialog-${++counter}`;
  const adapter = (client as unknown as { _testAdapter: TestAdapter })._testAdapter;
  adapter.conversation.conversation = { id: conversationId, isGroup: false, conversationType: 'personal', name: conversationId };
  if (deps.channel === 'voice') adapter.conversation.user = { id: '+525512345678', name: 'caller' };
  /** Every activity the dialog sent in the turn. */
  const send = async (activity: string | Partial<Activity>): Promise<Array<Partial<Activity>>> => {
    const out: Array<Partial<Activity>> = [];
    let reply = await client.sendActivity(activity);
    while (reply !== undefined) {
      out.push(reply);
      reply = client.getNextReply();
    }
    return out;
  };
  const say = async (activity: string | Partial<Activity>) => (await send(activity)).map((r) => r.text);
  const signal = (s: HandoffSignal) => say(signalActivity(s));
  const result = () => (client.dialogTurnResult.status === 'complete' ? (client.dialogTurnResult.result as HandoffDialogResult) : undefined);
  return { port, desk, client, conversationId, send, say, signal, result };
}

describe('HandoffDialog', () => {
  test('queued: says why, asks the service with the context, tells the place and the wait, and waits', async () => {
    const t = setup(options());
    expect(await t.say('quiero hablar con una persona')).toEqual([
      WHY,
      'Está en el lugar 2 de la fila; el tiempo estimado de espera es de unos 3 minutos. Puede escribir «cancelar» para salir de la fila.',
    ]);
    expect(t.port.requests).toEqual([
      {
        conversationId: t.conversationId,
        channel: 'webchat',
        reason: 'asked',
        resolverGroup: 'Redes',
        priority: 0,
        context: options().context,
      },
    ]);
    expect(t.client.dialogTurnResult.status).toBe('waiting');
  });

  test('first in line, already queued, and a short wait are said accordingly', async () => {
    const t = setup(options({ reason: 'critical', message: 'Por la urgencia de su reporte, le comunico con un agente.' }));
    t.port.outcome = { kind: 'queued', handoffId: 'h-2', position: 1, estimatedWaitSeconds: 20, alreadyOpen: true };
    expect(await t.say('hola')).toEqual([
      'Por la urgencia de su reporte, le comunico con un agente.',
      h.alreadyQueued,
      'Usted es la siguiente persona en la fila; el tiempo estimado de espera es de menos de un minuto. Puede escribir «cancelar» para salir de la fila.',
    ]);
    expect(t.port.requests[0]?.priority).toBe(2);
  });

  test('accepted → «Le atiende …» and keeps waiting; returned → ends with the agent in the summary', async () => {
    const t = setup(options());
    await t.say('agente');
    expect(await t.signal({ kind: 'accepted', agentName: 'Laura Méndez' })).toEqual(['Le atiende Laura Méndez.']);
    expect(t.client.dialogTurnResult.status).toBe('waiting');
    expect(await t.signal({ kind: 'returned', agentName: 'Laura Méndez', ticketNumber: 'CAU-2026-000042' })).toEqual([]);
    expect(t.result()).toEqual({ summary: h.summaryAgentTicket('Laura Méndez', 'CAU-2026-000042'), profile: { marker: 'profile' } });
  });

  test('returned without a ticket', async () => {
    const t = setup(options());
    await t.say('agente');
    await t.signal({ kind: 'returned', agentName: 'Laura Méndez' });
    expect(t.result()?.summary).toBe('habló con Laura Méndez, de la Mesa de Ayuda');
  });

  test('closed → ends quietly, marked closed', async () => {
    const t = setup(options());
    await t.say('agente');
    expect(await t.signal({ kind: 'closed', agentName: 'Laura Méndez' })).toEqual([]);
    expect(t.result()).toEqual({ summary: null, profile: { marker: 'profile' }, closed: true });
  });

  test('a message that reaches the waiting dialog ends it as stale (the service has no open handoff)', async () => {
    const t = setup(options());
    await t.say('agente');
    expect(await t.say('¿sigue ahí?')).toEqual([]);
    expect(t.result()).toEqual({ summary: null, profile: { marker: 'profile' }, stale: true });
  });

  test('malformed or foreign events are ignored while waiting', async () => {
    const t = setup(options());
    await t.say('agente');
    const ignored: Array<Partial<Activity>> = [
      { type: ActivityTypes.Event, name: `${HANDOFF_EVENT_PREFIX}returned`, value: { kind: 'closed', agentName: 'X' } },
      { type: ActivityTypes.Event, name: `${HANDOFF_EVENT_PREFIX}accepted`, value: { kind: 'accepted' } },
      { type: ActivityTypes.Event, name: `${HANDOFF_EVENT_PREFIX}unavailable`, value: { kind: 'unavailable', why: 'lunch' } },
      { type: ActivityTypes.Event, name: 'otra.cosa', value: { kind: 'returned', agentName: 'X' } },
      { type: ActivityTypes.Typing },
    ];
    for (const activity of ignored) expect(await t.say(activity)).toEqual([]);
    expect(t.client.dialogTurnResult.status).toBe('waiting');
  });

  describe('nobody can attend', () => {
    test('desk closed: when it opens, then the offer; «Registrar un reporte» registers the prefilled ticket', async () => {
      const t = setup(options());
      t.port.outcome = { kind: 'unavailable', why: 'closed', nextOpening: 'mañana lunes a las 9:00' };
      const replies = await t.send('quiero hablar con alguien');
      expect(replies.map((r) => r.text)).toEqual([WHY, 'En este momento la Mesa de Ayuda está fuera de horario; abre mañana lunes a las 9:00.', h.offer]);
      expect(replies[2]?.suggestedActions?.actions.map((x) => x.title)).toEqual([h.optionTicket, h.optionCallback, h.optionNone]);

      const texts = await t.say(h.optionTicket);
      expect(texts).toEqual([a.ticketRegistered('CAU-2026-000001', 'Redes'), a.keepNumber]);
      expect(t.desk.tickets).toHaveLength(1);
      expect(t.desk.tickets[0]?.request).toEqual({
        kind: 'incident',
        serviceCode: 'RED-WIFI',
        serviceName: 'Falla de conexión a la red inalámbrica',
        resolverGroup: 'Redes',
        requesterId: 'person-7',
        requester: { name: 'Ana López Pérez', email: 'ana.lopez@ipn.mx', unitName: 'ESCOM', role: 'docente' },
        channel: 'webchat',
        conversationId: t.conversationId,
        description: 'no me conecta el wifi',
        diagnostics: DRAFT.diagnostics,
        urgency: 'high',
        impact: 'moderate',
        idempotencyKey: expect.stringMatching(new RegExp(`^handoff:webchat:${t.conversationId}:`)),
      });
      expect(t.desk.tickets[0]?.announced).toBe(true);
      expect(t.result()).toEqual({ summary: a.summaryTicket('CAU-2026-000001', 'Falla de conexión a la red inalámbrica'), profile: { marker: 'profile' } });
    });

    test('no draft and no contact: asks what happens and how to reach them, then registers for the desk', async () => {
      const t = setup(options({ ticket: undefined, resolverGroup: null, context: { request: 'quiero hablar con una persona' } }));
      t.port.outcome = { kind: 'unavailable', why: 'no_agents' };
      expect(await t.say('quiero hablar con una persona')).toEqual([WHY, h.noAgents, h.offer]);
      expect(await t.say('sí, levanten un reporte')).toEqual([h.askDescription]);
      expect(await t.say('la impresora de la dirección no imprime')).toEqual([h.askContact]);
      expect(await t.say('mi correo es ana.lopez@ipn.mx')).toEqual([a.ticketRegistered('CAU-2026-000001', UNCLASSIFIED_GROUP), a.keepNumber]);
      expect(t.desk.tickets[0]?.request).toMatchObject({
        kind: 'request',
        serviceCode: null,
        resolverGroup: UNCLASSIFIED_GROUP,
        requester: { email: 'ana.lopez@ipn.mx' },
        description: 'quiero hablar con una persona — la impresora de la dirección no imprime',
        diagnostics: [],
        urgency: 'medium',
      });
      expect(t.result()?.summary).toBe(a.summaryTicket('CAU-2026-000001', a.unclassifiedService));
    });

    test('a call back: asks the phone when unknown, then when; stores it through the port', async () => {
      const t = setup(options());
      t.port.outcome = { kind: 'unavailable', why: 'no_agents' };
      await t.say('agente');
      expect(await t.say('mejor llámenme')).toEqual([h.askPhone]);
      expect(await t.say('55 12 34')).toEqual([h.phoneRetry]);
      expect(await t.say('55 1234 5678')).toEqual([h.askWhen('55 1234 5678')]);
      expect(await t.say('mañana a las 10')).toEqual([h.callbackStored('55 1234 5678', 'mañana a las 10')]);
      expect(t.port.callbacks).toEqual([
        {
          conversationId: t.conversationId,
          channel: 'webchat',
          requesterId: 'person-7',
          name: 'Ana López Pérez',
          phone: '5512345678',
          preferredTime: 'mañana a las 10',
          resolverGroup: 'Redes',
          reason: 'no_agents',
        },
      ]);
      expect(t.result()?.summary).toBe(h.summaryCallback('55 1234 5678'));
      expect(t.desk.tickets).toEqual([]);
    });

    test('a call back to the phone already known asks only when', async () => {
      const base = options();
      const t = setup(options({ context: { ...base.context, person: { ...base.context.person, phone: '5587654321' } } }));
      t.port.outcome = { kind: 'unavailable', why: 'closed' };
      expect(await t.say('agente')).toEqual([WHY, h.closed(), h.offer]);
      expect(await t.say(h.optionCallback)).toEqual([h.askWhen('55 8765 4321')]);
      await t.say('En cuanto se pueda');
      expect(t.port.callbacks[0]).toMatchObject({ phone: '5587654321', preferredTime: 'En cuanto se pueda', reason: 'closed' });
    });

    test('«no, gracias» declines; two unclear answers decline too; nothing is registered', async () => {
      const t = setup(options());
      t.port.outcome = { kind: 'unavailable', why: 'no_agents' };
      await t.say('agente');
      expect(await t.say('no, gracias')).toEqual([h.declined]);
      expect(t.result()).toEqual({ summary: null, profile: { marker: 'profile' } });

      const u = setup(options());
      u.port.outcome = { kind: 'unavailable', why: 'no_agents' };
      await u.say('agente');
      expect(await u.say('mmm')).toEqual([h.offerRetry]);
      expect(await u.say('qué')).toEqual([h.declined]);
      expect(u.desk.tickets).toEqual([]);
      expect(u.port.callbacks).toEqual([]);
    });

    test('the wait ran out while queued: the offer follows the signal', async () => {
      const t = setup(options());
      await t.say('agente');
      expect(await t.signal({ kind: 'unavailable', why: 'max_wait' })).toEqual([h.maxWait, h.offer]);
      await t.say('registrar un reporte');
      expect(t.desk.tickets).toHaveLength(1);
    });

    test('without a desk only a call back is offered', async () => {
      const t = setup(options(), { withDesk: false });
      t.port.outcome = { kind: 'unavailable', why: 'no_agents' };
      expect(await t.say('agente')).toEqual([WHY, h.noAgents, h.offerCallbackOnly]);
      expect(await t.say('sí')).toEqual([h.askPhone]);
    });
  });

  test('external hub: sends handoff.initiate with the skill, the context and the transcript, then waits; failed → the offer', async () => {
    const transcript = [{ type: 'message', text: 'no me conecta el wifi', from: { role: 'user' } }];
    const asked: string[] = [];
    const t = setup(options(), { transcript: async (id) => (asked.push(id), transcript) });
    t.port.external = true;
    t.port.outcome = { kind: 'external', handoffId: 'h-9' };
    const replies = await t.send('agente');
    expect(replies.map((r) => r.type === ActivityTypes.Event ? `event:${r.name}` : r.text)).toEqual([WHY, h.external, `event:${HANDOFF_INITIATE_EVENT}`]);
    const initiate = replies[2];
    expect(initiate?.value).toEqual({ skill: 'Redes', reason: 'asked', context: options().context });
    expect(initiate?.attachments).toEqual([{ contentType: 'application/json', name: 'Transcript', content: { activities: transcript } }]);
    expect(asked).toEqual([t.conversationId]);
    expect(await t.signal({ kind: 'failed', message: 'hub timeout' })).toEqual([h.failed, h.offer]);
  });

  test('begun at a signal (state lost meanwhile): accepted waits, returned ends at once', async () => {
    const t = setup({ reason: 'asked', message: '', context: {}, signal: { kind: 'accepted', agentName: 'Beto' } });
    expect(await t.say(signalActivity({ kind: 'accepted', agentName: 'Beto' }))).toEqual(['Le atiende Beto.']);
    expect(t.port.requests).toEqual([]);
    expect(t.client.dialogTurnResult.status).toBe('waiting');

    const u = setup({ reason: 'asked', message: '', context: {}, signal: { kind: 'returned', agentName: 'Beto' } });
    expect(await u.say(signalActivity({ kind: 'returned', agentName: 'Beto' }))).toEqual([]);
    expect(u.result()?.summary).toBe(h.summaryAgent('Beto'));
  });

  test('constructor fails fast', () => {
    const port = new FakeHandoffPort();
    expect(() => new HandoffDialog({ port: undefined as unknown as FakeHandoffPort, clock: { now: () => NOW }, timeZone: MX })).toThrow('HandoffDialog: port is required');
    expect(() => new HandoffDialog({ port, clock: { now: () => NOW }, timeZone: '' })).toThrow('HandoffDialog: timeZone is required');
  });
});

describe('parseOffer', () => {
  test.each([
    ['Registrar un reporte', true, 'ticket'],
    ['sí', true, 'ticket'],
    ['sí por favor, un ticket', true, 'ticket'],
    ['levanten el reporte', true, 'ticket'],
    ['Que me llamen', true, 'callback'],
    ['mejor llámenme', true, 'callback'],
    ['prefiero una llamada', true, 'callback'],
    ['sí', false, 'callback'],
    ['Ninguna, gracias', true, 'none'],
    ['ninguna de las dos', true, 'none'],
    ['no', true, 'none'],
    ['no me llamen', true, 'none'],
    ['mmm', true, undefined],
    ['Registrar un reporte', false, undefined],
  ] as const)('«%s» (ticket offered: %s) → %s', (text, withTicket, expected) => {
    expect(parseOffer(text, withTicket)).toBe(expected);
  });
});

describe('handoffSignalOf', () => {
  test('reads only well-formed signals of the handoff prefix', () => {
    expect(handoffSignalOf(signalActivity({ kind: 'closed', agentName: 'Ana', ticketNumber: 'CAU-2026-000001' }))).toEqual({
      kind: 'closed',
      agentName: 'Ana',
      ticketNumber: 'CAU-2026-000001',
    });
    expect(handoffSignalOf(signalActivity({ kind: 'unavailable', why: 'closed', nextOpening: 'mañana' }))).toEqual({ kind: 'unavailable', why: 'closed', nextOpening: 'mañana' });
    expect(handoffSignalOf(signalActivity({ kind: 'failed' }))).toEqual({ kind: 'failed' });
    expect(handoffSignalOf({ type: 'message', text: 'hola' })).toBeUndefined();
    expect(handoffSignalOf({ type: 'event', name: `${HANDOFF_EVENT_PREFIX}accepted`, value: 'Ana' })).toBeUndefined();
  });
});

describe('HandoffDialog on the phone', () => {
  const recorded = (url: string | null, durationSeconds: number): Partial<Activity> => ({
    type: ActivityTypes.Event,
    name: VOICE_EVENTS.recorded,
    value: { purpose: 'handoff_message', url, durationSeconds },
  });

  test('nobody free: the caller leaves a voice message, and the ticket carries the recording', async () => {
    const t = setup(options({ ticket: undefined }), { channel: 'voice' });
    t.port.outcome = { kind: 'unavailable', why: 'no_agents' };
    expect(await t.say('quiero hablar con una persona')).toEqual([WHY, h.noAgents, h.offerVoice]);
    const recordTurn = await t.send('dejar un mensaje');
    expect(recordTurn.map((a) => a.text ?? a.name)).toEqual([h.recordPrompt, VOICE_EVENTS.record]);
    expect(recordTurn[1]?.value).toEqual({ maxSeconds: 120, purpose: 'handoff_message' });
    // Anything else while recording is not an answer.
    expect(await t.say('hola')).toEqual([]);
    const done = await t.say(recorded('https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE1', 37));
    expect(t.desk.tickets).toHaveLength(1);
    expect(t.desk.tickets[0]?.request.description).toBe(
      `no me conecta el wifi — ${h.voiceMessageDescription('https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE1', 37)}`,
    );
    expect(t.desk.tickets[0]?.request.channel).toBe('voice');
    expect(done[0]).toContain(t.desk.tickets[0]?.number);
  });

  test('an empty recording registers nothing', async () => {
    const t = setup(options(), { channel: 'voice' });
    t.port.outcome = { kind: 'unavailable', why: 'no_agents' };
    await t.say('quiero hablar con una persona');
    await t.send('mensaje');
    expect(await t.say(recorded(null, 0))).toEqual([h.noMessage]);
    expect(t.desk.tickets).toHaveLength(0);
  });

  test('a call back uses the caller\'s own number and the time they say', async () => {
    const at = new Date('2026-11-24T16:00:00Z');
    const t = setup(options(), { channel: 'voice', parseTime: (text) => (/mañana/.test(text) ? { at, spoken: 'mañana a las 10:00' } : null) });
    t.port.outcome = { kind: 'unavailable', why: 'no_agents' };
    await t.say('quiero hablar con una persona');
    expect(await t.say('que me llamen')).toEqual([h.askWhen('55 1234 5678')]);
    expect(await t.say('mañana a las diez')).toEqual([h.callbackStored('55 1234 5678', 'mañana a las 10:00')]);
    expect(t.port.callbacks).toEqual([expect.objectContaining({ phone: '5512345678', preferredTime: 'mañana a las 10:00', scheduledAt: at, channel: 'voice' })]);
  });
});
