import { type Activity, ConversationState, MemoryStorage, type StoreItems, TestAdapter, UserState } from 'botbuilder';
import { createBot, createOnTurnError, type BotLogger } from '../../bots';
import { messages } from '../../dialogs/messages/es-MX';
import { attentionFixture, MX, NOW, type AttentionFixture } from '../support/attention-fixture';
import { openTestDatabase, testBackends, type TestDatabase } from '../support/test-database';

const m = messages.attention;
const CONTACT = 'Ana López Pérez, ana.lopez@ipn.mx, 5512345678';
const silent: BotLogger = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined };

/** Memory storage whose next write can be made to fail (a crash after the reply, before the state is saved). */
class FlakyStorage extends MemoryStorage {
  failNextWrite = false;
  override async write(changes: StoreItems): Promise<void> {
    if (this.failNextWrite) {
      this.failNextWrite = false;
      throw new Error('simulated crash before the state was saved');
    }
    return super.write(changes);
  }
}

describe.each(testBackends())('never twice, never lost (%s)', (backend) => {
  let t: TestDatabase;
  let fixture: AttentionFixture;
  let n = 0;

  beforeAll(async () => {
    t = await openTestDatabase(backend);
    fixture = attentionFixture(t.database);
  }, 60_000);
  afterAll(() => t.dispose());

  /** The whole bot on a test adapter; `failSending` makes the next ticket confirmation fail to go out. */
  function bot(options: { turnErrorHandler: boolean }) {
    const conversationId = `recovery-${backend}-${++n}`;
    const storage = new FlakyStorage();
    const conversationState = new ConversationState(storage);
    const ventanilla = createBot({
      conversationState,
      userState: new UserState(storage),
      settings: { botName: 'Ventanilla', orgName: 'el CAU', timeZone: MX },
      clock: { now: () => NOW },
      logger: silent,
      requestDialog: fixture.dialog(),
      recovery: fixture.desk,
    });
    const adapter = new TestAdapter(async (context) => ventanilla.run(context), {
      channelId: 'webchat',
      conversation: { id: conversationId, isGroup: false, conversationType: 'personal', name: conversationId },
      from: { id: `person-${conversationId}`, name: 'Persona' },
    });
    if (options.turnErrorHandler) adapter.onTurnError = createOnTurnError({ logger: silent, conversationState });
    const control = { failSending: false };
    adapter.use(async (context, next) => {
      context.onSendActivities(async (_ctx, activities, sendNext) => {
        if (control.failSending && activities.some((a) => a.text?.startsWith('Registré su reporte'))) {
          control.failSending = false;
          throw new Error('simulated network failure while replying');
        }
        return sendNext();
      });
      await next();
    });
    /** Sends an activity (optionally with a fixed id, as a channel retry would) and returns the bot's texts. */
    const send = async (text: string, id?: string): Promise<string[]> => {
      const activity: Partial<Activity> = { type: 'message', text, ...(id ? { id } : {}) };
      try {
        await adapter.receiveActivity(activity);
      } catch {
        // A crash without a turn error handler: the adapter rejects; what was sent stays sent.
      }
      return adapter.activeQueue.splice(0).map((a) => a.text ?? '').filter((x) => x !== '');
    };
    return { conversationId, storage, control, send };
  }

  async function upToContact(b: ReturnType<typeof bot>): Promise<void> {
    await b.send('olvidé la contraseña de mi correo');
    await b.send('estudiante de ESCOM');
  }

  test('the reply with the number fails: the ticket stays, and the next message tells its number first', async () => {
    const b = bot({ turnErrorHandler: true });
    await upToContact(b);
    b.control.failSending = true;
    const failed = await b.send(CONTACT, 'contact-activity');
    expect(failed).toEqual([messages.turnError]);
    const pending = await fixture.desk.unannounced(b.conversationId);
    expect(pending).toHaveLength(1);
    const number = pending[0]?.number ?? '';

    const next = await b.send('¿sigue ahí?');
    expect(next).toEqual([m.recovered(number), messages.anythingElse]);
    expect(await fixture.desk.unannounced(b.conversationId)).toEqual([]);
    const tickets = await fixture.repos.attentions.byConversation(b.conversationId);
    expect(tickets.map((a) => a.outcome)).toEqual(['ticket']);
    // The conversation goes on normally.
    expect((await b.send('no'))[0]).toMatch(/^Fue un gusto atenderle\./);
  });

  test('a retried delivery of the same activity after the crash creates nothing new', async () => {
    const b = bot({ turnErrorHandler: false });
    await upToContact(b);
    b.control.failSending = true;
    expect(await b.send(CONTACT, 'contact-activity')).toEqual([]);
    const [pending] = await fixture.desk.unannounced(b.conversationId);
    const retried = await b.send(CONTACT, 'contact-activity');
    expect(retried).toEqual([m.recovered(pending?.number ?? ''), messages.anythingElse]);
    const outcomes = await fixture.repos.attentions.byConversation(b.conversationId);
    expect(outcomes).toHaveLength(1);
  });

  test('a crash after the reply but before the state was saved: the retry finds the same ticket by activity id', async () => {
    const b = bot({ turnErrorHandler: false });
    await upToContact(b);
    b.storage.failNextWrite = true;
    const first = await b.send(CONTACT, 'contact-activity');
    const number = /CAU-\d{4}-\d{6}/.exec(first[0] ?? '')?.[0];
    expect(number).toBeDefined();
    // The dialog state was not saved, so the same activity runs the registration step again.
    const retried = await b.send(CONTACT, 'contact-activity');
    expect(retried[0]).toBe(m.ticketRegistered(number ?? '', 'Mesa de ayuda'));
    const outcomes = await fixture.repos.attentions.byConversation(b.conversationId);
    expect(outcomes.map((o) => o.outcome)).toEqual(['ticket']);
    const ticket = await fixture.repos.tickets.findByNumber(number ?? '');
    expect(ticket?.idempotencyKey).toBe(`webchat:${b.conversationId}:contact-activity`);
    expect(outcomes[0]?.ticketId).toBe(ticket?.id);
  });
});
