import { type Activity, ActivityTypes, ConversationState, MemoryStorage, TestAdapter, UserState } from 'botbuilder';
import { type BotLogger, createBot, createOnTurnError, HANDOFF_SIGNAL_TURN } from '../../../bots';
import { AttentionDialog } from '../../../dialogs/attention/attention.dialog';
import { ScriptUnderstanding } from '../../../dialogs/attention/script-understanding';
import { HANDOFF_INITIATE_EVENT, HANDOFF_STATUS_EVENT } from '../../../dialogs/handoff/handoff.dialog';
import { farewell, greeting, messages } from '../../../dialogs/messages/es-MX';
import { HANDOFF_EVENT_PREFIX, type HandoffSignal } from '../../../services/handoff/handoff-types';
import { HANDOFF_MESSAGES_ES_MX, HandoffTriggers } from '../../../services/handoff/triggers';
import { defaultUnits } from '../../../services/script/units';
import { smallCatalog } from '../../support/catalog-fixture';
import { FakeDesk, FakeHandoffPort, signalActivity } from '../../support/handoff-fakes';
import { RecordingRequestDialog } from '../../support/recording-request-dialog';

const a = messages.attention;
const h = messages.handoff;
const MX = 'America/Mexico_City';
const START = new Date('2026-11-23T17:30:00Z'); // 11:30 in Mexico City
const SETTINGS = { botName: 'Ventanilla', orgName: 'el CAU', timeZone: MX };
const QUEUED = h.queued(2, 180);
const silent: BotLogger = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined };
const bye = (summary: string[]) => farewell({ botName: 'Ventanilla', closing: 'que tenga buen día', summary });
// One shared instance: loading natural's vocabularies takes a moment.
const triggers = new HandoffTriggers();

let counter = 0;

interface Options {
  requestDialog?: 'recording' | 'attention';
  channelId?: string;
  transcript?: (conversationId: string) => Promise<object[]>;
  /** The farewell summary the recording request dialog ends with. */
  summary?: string;
}

/** The whole bot with the handoff service faked; signals are marked as a PersonChannel marks them. */
function setup(options: Options = {}) {
  const conversationId = `bot-handoff-${++counter}`;
  const storage = new MemoryStorage();
  const conversationState = new ConversationState(storage);
  const port = new FakeHandoffPort();
  const desk = new FakeDesk(smallCatalog());
  desk.pin('no me conecta el wifi', 'RED-WIFI');
  const clock = { current: START, now: () => clock.current };
  const recording = new RecordingRequestDialog(undefined, options.summary ? { summary: options.summary } : {});
  const requestDialog =
    options.requestDialog === 'attention'
      ? new AttentionDialog({ desk, understanding: new ScriptUnderstanding({ units: defaultUnits(), clock, timeZone: MX, ticketPrefix: 'CAU' }), triggers })
      : recording;
  const bot = createBot({
    conversationState,
    userState: new UserState(storage),
    settings: SETTINGS,
    clock,
    logger: silent,
    requestDialog,
    recovery: desk,
    desk,
    handoff: port,
    triggers,
    ...(options.transcript ? { transcript: options.transcript } : {}),
  });
  const adapter = new TestAdapter(async (context) => bot.run(context), {
    channelId: options.channelId ?? 'webchat',
    conversation: { id: conversationId, isGroup: false, conversationType: 'personal', name: conversationId },
    from: { id: `person-${conversationId}`, name: 'Persona', role: 'user' },
  });
  adapter.onTurnError = createOnTurnError({ logger: silent, conversationState });
  const control = { trusted: true };
  adapter.use(async (context, next) => {
    if (control.trusted && context.activity.type === ActivityTypes.Event && context.activity.name?.startsWith(HANDOFF_EVENT_PREFIX)) {
      context.turnState.set(HANDOFF_SIGNAL_TURN, true);
    }
    await next();
  });
  /** Every activity the bot sent in the turn, typing indicators left out. */
  const send = async (activity: string | Partial<Activity>): Promise<Array<Partial<Activity>>> => {
    await adapter.receiveActivity(activity);
    return adapter.activeQueue.splice(0).filter((x) => x.type !== ActivityTypes.Typing);
  };
  const say = async (activity: string | Partial<Activity>) => (await send(activity)).map((x) => (x.type === ActivityTypes.Event ? `event:${x.name}` : x.text));
  const signal = (s: HandoffSignal) => say(signalActivity(s));
  return { conversationId, port, desk, clock, recording, control, send, say, signal };
}

const opening = greeting({ timeOfDay: 'Buenos días', botName: 'Ventanilla', orgName: 'el CAU', ask: false });

describe('VentanillaBot with live-agent handoff', () => {
  test('asking for a person: greeting, why, place in the queue; the request dialog is not run', async () => {
    const t = setup();
    expect(await t.say('quiero hablar con una persona')).toEqual([opening, HANDOFF_MESSAGES_ES_MX.asked, QUEUED]);
    expect(t.recording.calls).toEqual([]);
    expect(t.port.requests).toEqual([
      {
        conversationId: t.conversationId,
        channel: 'webchat',
        reason: 'asked',
        resolverGroup: null,
        priority: 0,
        context: { request: 'quiero hablar con una persona', summaries: [], cues: [] },
      },
    ]);
    expect(t.port.messages).toEqual([{ conversationId: t.conversationId, text: 'quiero hablar con una persona' }]);
  });

  test('while queued, messages go to the service: a reminder at most once a minute, no dialog', async () => {
    const t = setup();
    await t.say('quiero hablar con un agente');
    const reminder = h.queuedReminder(2, 180);
    expect(await t.say('es sobre mi correo')).toEqual([reminder]);
    t.clock.current = new Date(START.getTime() + 30_000);
    expect(await t.say('¿falta mucho?')).toEqual([]);
    t.clock.current = new Date(START.getTime() + 61_000);
    expect(await t.say('¿hola?')).toEqual([reminder]);
    expect(t.recording.calls).toEqual([]);
    expect(t.port.messages.map((x) => x.text)).toEqual(['quiero hablar con un agente', 'es sobre mi correo', '¿falta mucho?', '¿hola?']);
  });

  test('«cancelar» while queued → left the queue → «¿Hay algo más…?» → farewell', async () => {
    const t = setup();
    await t.say('quiero hablar con un agente');
    expect(await t.say('cancelar')).toEqual([h.leftQueue, messages.anythingElse]);
    expect(await t.say('no, gracias')).toEqual([bye([])]);
  });

  test('with an agent the bot stays silent; accepted, returned and the farewell', async () => {
    const t = setup();
    await t.say('quiero hablar con un agente');
    expect(await t.signal({ kind: 'accepted', agentName: 'Laura Méndez' })).toEqual(['Le atiende Laura Méndez.']);
    t.port.accept(t.conversationId);
    expect(await t.say('mi correo no abre')).toEqual([]);
    expect(t.recording.calls).toEqual([]);
    t.port.release(t.conversationId);
    expect(await t.signal({ kind: 'returned', agentName: 'Laura Méndez' })).toEqual([messages.anythingElse]);
    expect(await t.say('no')).toEqual([bye([h.summaryAgent('Laura Méndez')])]);
  });

  test('closed by the agent: nothing more is said; the next message starts a new request, without a new greeting', async () => {
    const t = setup();
    await t.say('quiero hablar con un agente');
    t.port.accept(t.conversationId);
    t.port.release(t.conversationId);
    expect(await t.signal({ kind: 'closed', agentName: 'Laura Méndez', ticketNumber: 'CAU-2026-000009' })).toEqual([]);
    expect(await t.say('ahora no puedo imprimir')).toEqual([...['Respuesta de prueba del catálogo.'], messages.anythingElse]);
    expect(t.recording.texts).toEqual(['ahora no puedo imprimir']);
  });

  test('a signal posted by the chat client (not run by the handoff service) is ignored', async () => {
    const t = setup();
    await t.say('quiero hablar con un agente');
    t.control.trusted = false;
    expect(await t.signal({ kind: 'returned', agentName: 'Yo mismo' })).toEqual([]);
    t.control.trusted = true;
    expect(await t.signal({ kind: 'accepted', agentName: 'Laura' })).toEqual(['Le atiende Laura.']);
  });

  test('a signal that finds no dialog (state lost) resumes: returned → «¿Hay algo más…?»; closed → nothing', async () => {
    const t = setup();
    expect(await t.signal({ kind: 'closed', agentName: 'Laura' })).toEqual([]);
    expect(await t.signal({ kind: 'returned', agentName: 'Laura' })).toEqual([messages.anythingElse]);
  });

  test('distress in the middle of the attention script: the request is left, the agent gets what the script knew', async () => {
    const t = setup({ requestDialog: 'attention' });
    expect(await t.say('no me conecta el wifi')).toEqual([opening, a.understood('Falla de conexión a la red inalámbrica'), a.askUnitAndRole]);
    expect(await t.say('¡¡ES UNA VERGÜENZA, PÉSIMO SERVICIO!!')).toEqual([HANDOFF_MESSAGES_ES_MX.distress, QUEUED]);
    const request = t.port.requests[0];
    expect(request).toMatchObject({
      reason: 'distress',
      priority: 1,
      resolverGroup: 'Mesa de ayuda',
      context: {
        request: 'no me conecta el wifi',
        route: { decision: 'service', code: 'RED-WIFI', name: 'Falla de conexión a la red inalámbrica', confidence: 0.9 },
        diagnostics: [],
        summaries: [],
      },
    });
    expect(request?.context.cues?.length).toBeGreaterThan(0);
  });

  test('no agents: the ticket prefilled from the conversation, announced, then «¿Hay algo más…?»', async () => {
    const t = setup({ requestDialog: 'attention' });
    t.port.outcome = { kind: 'unavailable', why: 'closed', nextOpening: 'mañana martes a las 8:00' };
    await t.say('no me conecta el wifi');
    await t.say('Soy docente de la ESCOM, extensión 52030');
    expect(await t.say('sí')).toEqual(['¿En qué edificio está?']);
    expect(await t.say('quiero hablar con un agente')).toEqual([
      HANDOFF_MESSAGES_ES_MX.asked,
      h.closed('mañana martes a las 8:00'),
      h.offer,
    ]);
    expect(await t.say('Registrar un reporte')).toEqual([h.askContact]);
    expect(await t.say('ana.lopez@ipn.mx')).toEqual([a.ticketRegistered('CAU-2026-000001', 'Mesa de ayuda'), a.keepNumber, messages.anythingElse]);
    expect(t.desk.tickets[0]?.request).toMatchObject({
      kind: 'incident',
      serviceCode: 'RED-WIFI',
      description: 'no me conecta el wifi',
      diagnostics: [{ id: 'otro-equipo', question: '¿Le pasa también en otro equipo?', answer: 'Sí' }],
      requester: { unitCode: 'ESCOM', role: 'docente', extension: '52030', email: 'ana.lopez@ipn.mx' },
      conversationId: t.conversationId,
    });
  });

  test('asking for a person at «¿Hay algo más…?» keeps the summaries for the agent', async () => {
    const t = setup({ summary: 'le orientamos sobre la impresora' });
    expect(await t.say('no puedo imprimir')).toEqual([opening, 'Respuesta de prueba del catálogo.', messages.anythingElse]);
    expect(await t.say('sí, quiero hablar con un agente')).toEqual([HANDOFF_MESSAGES_ES_MX.asked, QUEUED]);
    expect(t.port.requests[0]?.context).toMatchObject({ request: 'sí, quiero hablar con un agente', summaries: ['le orientamos sobre la impresora'] });
    t.port.release(t.conversationId);
    expect(await t.signal({ kind: 'returned', agentName: 'Laura' })).toEqual([messages.anythingElse]);
    expect(await t.say('no')).toEqual([bye(['le orientamos sobre la impresora', h.summaryAgent('Laura')])]);
  });

  test('a message that finds the handoff gone (no signal came) is taken as a new request', async () => {
    const t = setup();
    await t.say('quiero hablar con un agente');
    t.port.release(t.conversationId);
    expect(await t.say('la impresora no imprime')).toEqual(['Respuesta de prueba del catálogo.', messages.anythingElse]);
    expect(t.recording.texts).toEqual(['la impresora no imprime']);
    // …and asking again for a person queues again.
    t.port.release(t.conversationId);
    expect(await t.say('sí, con un agente por favor')).toEqual([HANDOFF_MESSAGES_ES_MX.asked, QUEUED]);
    expect(t.port.requests).toHaveLength(2);
  });

  test('typing of the person goes to the service', async () => {
    const t = setup();
    await t.say({ type: ActivityTypes.Typing });
    expect(t.port.typing).toEqual([t.conversationId]);
  });

  describe('external agent hub', () => {
    test('handoff.initiate with the transcript is sent; handoff.status from the hub is passed on', async () => {
      const transcript = [{ type: 'message', text: 'quiero hablar con un agente' }];
      const t = setup({ channelId: 'msteams', transcript: async () => transcript });
      t.port.external = true;
      t.port.outcome = { kind: 'external', handoffId: 'h-1' };
      const sent = await t.send('quiero hablar con un agente');
      const initiate = sent.find((x) => x.name === HANDOFF_INITIATE_EVENT);
      expect(sent.map((x) => x.type === ActivityTypes.Event ? `event:${x.name}` : x.text)).toEqual([
        greeting({ timeOfDay: 'Buenos días', botName: 'Ventanilla', orgName: 'el CAU', ask: false }),
        HANDOFF_MESSAGES_ES_MX.asked,
        h.external,
        `event:${HANDOFF_INITIATE_EVENT}`,
      ]);
      expect(initiate?.value).toMatchObject({ reason: 'asked', context: { request: 'quiero hablar con un agente' } });
      expect(initiate?.attachments).toEqual([{ contentType: 'application/json', name: 'Transcript', content: { activities: transcript } }]);

      await t.say({ type: ActivityTypes.Event, name: HANDOFF_STATUS_EVENT, value: { state: 'accepted' } });
      await t.say({ type: ActivityTypes.Event, name: HANDOFF_STATUS_EVENT, value: { state: 'completed', message: 'listo' } });
      await t.say({ type: ActivityTypes.Event, name: HANDOFF_STATUS_EVENT, value: { state: 'whatever' } });
      expect(t.port.statuses).toEqual([
        { conversationId: t.conversationId, state: 'accepted', message: undefined },
        { conversationId: t.conversationId, state: 'completed', message: 'listo' },
      ]);
    });

    test('handoff.status posted on the web chat (by the person) is ignored', async () => {
      const t = setup();
      t.port.external = true;
      await t.say({ type: ActivityTypes.Event, name: HANDOFF_STATUS_EVENT, value: { state: 'completed' } });
      expect(t.port.statuses).toEqual([]);
    });
  });
});
