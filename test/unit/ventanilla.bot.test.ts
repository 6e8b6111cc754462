import { Activity, ActivityTypes, ConversationState, MemoryStorage, TestAdapter, TurnContext, UserState } from 'botbuilder';
import pino from 'pino';
import { createBot, createOnTurnError, CreateBotDeps, DIALOG_STATE_PROPERTY, GREETING_PROPERTY, VentanillaBot } from '../../bots';
import type { BotLogger, VentanillaBotDeps } from '../../bots';
import { MainDialog } from '../../dialogs/main.dialog';
import { greeting, messages } from '../../dialogs/messages/es-MX';
import { FIXED_REPLY, RecordingRequestDialog } from '../support/recording-request-dialog';

const MX = 'America/Mexico_City';
const MORNING = new Date('2026-11-22T17:30:00Z'); // 11:30 in Mexico City, 17:30 UTC
const NIGHT = new Date('2026-11-23T02:00:00Z'); // 20:00 in Mexico City
const SETTINGS = { botName: 'Ventanilla', orgName: 'la Universidad Autónoma del Estado', timeZone: MX };
const GREETING = 'Buenos días, le atiende Ventanilla, el asistente virtual de la Universidad Autónoma del Estado. ¿En qué puedo ayudarle?';
const STATE_KEY = 'test/conversations/Convo1/'; // ConversationState key: channel/conversations/id/namespace
const HANDLER_REPLY = FIXED_REPLY;

interface LogEntry {
  level: 'info' | 'warn' | 'error' | 'debug';
  obj: object;
  msg?: string;
}

function recordingLogger(): { logger: BotLogger; entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  const at = (level: LogEntry['level']) => (obj: object, msg?: string) => void entries.push({ level, obj, msg });
  return { logger: { info: at('info'), warn: at('warn'), error: at('error'), debug: at('debug') }, entries };
}

function setup(options: { now?: Date; requestDialog?: RecordingRequestDialog } = {}) {
  const storage = new MemoryStorage();
  const conversationState = new ConversationState(storage);
  const userState = new UserState(storage);
  const { logger, entries } = recordingLogger();
  const now = options.now ?? MORNING;
  const deps: CreateBotDeps = {
    conversationState,
    userState,
    settings: SETTINGS,
    clock: { now: () => now },
    logger,
    requestDialog: options.requestDialog ?? new RecordingRequestDialog(),
  };
  const bot = createBot(deps);
  const adapter = new TestAdapter(async (context) => bot.run(context));
  adapter.onTurnError = createOnTurnError({ logger, conversationState });

  /** Runs one turn and returns every activity the bot sent in it. */
  const turn = async (activity: string | Partial<Activity>): Promise<Array<Partial<Activity>>> => {
    await adapter.receiveActivity(activity);
    return adapter.activeQueue.splice(0);
  };
  const texts = (activities: Array<Partial<Activity>>) => activities.map((a) => (a.type === ActivityTypes.Typing ? '<typing>' : a.text));
  const say = async (text: string) => texts(await turn(text));
  const membersAdded = (...ids: string[]): Partial<Activity> => ({
    type: ActivityTypes.ConversationUpdate,
    membersAdded: ids.map((id) => ({ id, name: id })),
  });
  const stored = async (): Promise<Record<string, unknown>> => (await storage.read([STATE_KEY]))[STATE_KEY] ?? {};
  return { adapter, turn, texts, say, membersAdded, stored, entries, conversationState };
}

describe('VentanillaBot', () => {
  test('greets by protocol when the user joins, exactly once per conversation', async () => {
    const { turn, texts, say, membersAdded } = setup();

    expect(texts(await turn(membersAdded('user1', 'bot')))).toEqual([GREETING]);
    expect(texts(await turn(membersAdded('user1')))).toEqual([]);
    expect(texts(await turn(membersAdded('otra-persona')))).toEqual([]);
    // The greeting already asked the question: the next message is taken as the request.
    expect(await say('No tengo internet')).toEqual(['<typing>', ...HANDLER_REPLY, messages.anythingElse]);
  });

  test('the bot joining alone is not greeted', async () => {
    const { turn, texts, membersAdded } = setup();

    expect(texts(await turn(membersAdded('bot')))).toEqual([]);
    expect(texts(await turn(membersAdded('user1')))).toEqual([GREETING]);
  });

  test('the greeting follows the hour in the help desk time zone', async () => {
    const { turn, texts, membersAdded } = setup({ now: NIGHT });

    expect(texts(await turn(membersAdded('user1')))).toEqual([
      greeting({ timeOfDay: 'Buenas noches', botName: SETTINGS.botName, orgName: SETTINGS.orgName, ask: true }),
    ]);
  });

  test('a message before any greeting is greeted first in the same turn, without asking twice', async () => {
    const { say } = setup();

    expect(await say('hola')).toEqual(['<typing>', GREETING]);
    // Still only a salutation: the dialog asks for a description instead of registering «hola».
    expect(await say('hola')).toEqual(['<typing>', messages.askRequestRetry]);
  });

  test('a first message with the request gets the greeting without the question, then the answer', async () => {
    const requestDialog = new RecordingRequestDialog();
    const { say } = setup({ requestDialog });

    expect(await say('Olvidé la contraseña de mi correo')).toEqual([
      '<typing>',
      'Buenos días, le atiende Ventanilla, el asistente virtual de la Universidad Autónoma del Estado.',
      ...HANDLER_REPLY,
      messages.anythingElse,
    ]);
    expect(requestDialog.texts).toEqual(['Olvidé la contraseña de mi correo']);
    expect(await say('no')).toEqual([
      '<typing>',
      'Fue un gusto atenderle. Le recuerdo que le atendió Ventanilla; hasta luego, que tenga buen día.',
    ]);
  });

  test('sends a typing activity first in every message turn', async () => {
    const { turn, membersAdded } = setup();

    await turn(membersAdded('user1'));
    for (const text of ['hola', 'No tengo internet', 'sí']) {
      const activities = await turn(text);
      expect(activities[0]).toMatchObject({ type: ActivityTypes.Typing });
      expect(activities.slice(1).every((a) => a.type === ActivityTypes.Message)).toBe(true);
    }
  });

  test('ignores other activity types quietly', async () => {
    const { turn, entries } = setup();

    expect(await turn({ type: ActivityTypes.Event, name: 'webchat/join' })).toEqual([]);
    expect(await turn({ type: ActivityTypes.MessageReaction })).toEqual([]);
    expect(entries.filter((e) => e.level === 'error' || e.level === 'warn')).toEqual([]);
  });

  test('saves conversation state at the end of the turn', async () => {
    const { say, stored } = setup();

    await say('hola');
    const state = await stored();
    expect(state[GREETING_PROPERTY]).toEqual({ sentAt: MORNING.toISOString() });
    expect(state[DIALOG_STATE_PROPERTY]).toBeDefined();
  });

  test('a failing turn apologises, logs with the conversation id and clears only the dialog state', async () => {
    const { say, stored, entries } = setup({ requestDialog: new RecordingRequestDialog(FIXED_REPLY, { fail: new Error('catálogo no disponible') }) });

    expect(await say('hola')).toEqual(['<typing>', GREETING]);
    expect((await stored())[DIALOG_STATE_PROPERTY]).toBeDefined();

    expect(await say('No tengo internet')).toEqual(['<typing>', messages.turnError]);
    const errors = entries.filter((e) => e.level === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]?.obj).toMatchObject({ conversationId: 'Convo1', err: expect.objectContaining({ message: 'catálogo no disponible' }) });

    const state = await stored();
    expect(state[DIALOG_STATE_PROPERTY]).toBeUndefined();
    expect(state[GREETING_PROPERTY]).toEqual({ sentAt: MORNING.toISOString() });
    // The next message starts clean and is not greeted again.
    expect(await say('hola')).toEqual(['<typing>', messages.askRequest]);
  });

  test('the turn error handler does not throw when the apology cannot be sent', async () => {
    const { adapter, conversationState } = setup();
    const onTurnError = createOnTurnError({ logger: recordingLogger().logger, conversationState });
    const context = new TurnContext(adapter, { ...adapter.makeActivity('hola'), channelId: 'test' });
    await conversationState.createProperty(DIALOG_STATE_PROPERTY).set(context, { dialogStack: [] });
    context.onSendActivities(async () => {
      throw new Error('canal no disponible');
    });

    await expect(onTurnError(context, new Error('falla de prueba'))).resolves.toBeUndefined();
    expect(await conversationState.createProperty(DIALOG_STATE_PROPERTY).get(context)).toBeUndefined();
  });

  test('the turn error handler logs the failed apology', async () => {
    const { adapter, conversationState } = setup();
    const { logger, entries } = recordingLogger();
    const context = new TurnContext(adapter, { ...adapter.makeActivity('hola'), channelId: 'test' });
    context.onSendActivities(async () => {
      throw new Error('canal no disponible');
    });

    await createOnTurnError({ logger, conversationState })(context, new Error('falla de prueba'));
    expect(entries.map((e) => [e.level, e.msg])).toEqual([
      ['error', 'turn failed'],
      ['error', 'turn failed: could not send the apology'],
    ]);
  });

  test('accepts a pino logger', async () => {
    const storage = new MemoryStorage();
    const logger: BotLogger = pino({ enabled: false });
    const bot = createBot({
      conversationState: new ConversationState(storage),
      userState: new UserState(storage),
      settings: SETTINGS,
      clock: { now: () => MORNING },
      logger,
      requestDialog: new RecordingRequestDialog(),
    });
    const adapter = new TestAdapter(async (context) => bot.run(context));
    await adapter.receiveActivity('Necesito una cuenta de correo');
    const texts = adapter.activeQueue.splice(0).map((a) => a.text);
    expect(texts.slice(2)).toEqual([...HANDLER_REPLY, messages.anythingElse]);
  });

  describe('constructor', () => {
    const storage = new MemoryStorage();
    const valid = (): VentanillaBotDeps => ({
      conversationState: new ConversationState(storage),
      userState: new UserState(storage),
      dialog: new MainDialog({ requestDialog: new RecordingRequestDialog(), settings: SETTINGS, clock: { now: () => MORNING } }),
      settings: SETTINGS,
      clock: { now: () => MORNING },
      logger: recordingLogger().logger,
    });

    test.each(['conversationState', 'userState', 'dialog', 'settings', 'clock', 'logger'] as const)(
      'throws when %s is missing',
      (name) => {
        const deps: Partial<VentanillaBotDeps> = { ...valid(), [name]: undefined };
        expect(() => new VentanillaBot(deps as VentanillaBotDeps)).toThrow(`VentanillaBot: ${name} is required`);
      },
    );

    test('rejects an unknown time zone', () => {
      expect(() => new VentanillaBot({ ...valid(), settings: { ...SETTINGS, timeZone: 'Mexico/Nowhere' } })).toThrow(
        'VentanillaBot: settings.timeZone "Mexico/Nowhere" is not a valid IANA time zone',
      );
    });
  });
});
