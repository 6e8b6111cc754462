import type { TurnContext } from 'botbuilder';
import { DirectLinePersonChannel } from '../../bots/channels/directline/directline-person';
import { DirectLineAdapter } from '../../bots/channels/directline/directline.adapter';
import { type ActivityGroup, StreamHub } from '../../bots/channels/directline/stream-hub';
import { TurnTracker } from '../../bots/turn-tracker';
import { HANDOFF_SIGNAL_TURN } from '../../bots/ventanilla.bot';
import { createRepositories } from '../../models';
import { ConversationService } from '../../services/conversations/conversation.service';
import { HANDOFF_EVENT_PREFIX } from '../../services/handoff/handoff-types';
import { openTestDatabase, testBackends, type TestDatabase } from '../support/test-database';

const BOT = { id: 'ventanilla-bot', name: 'Ventanilla' };
const logger = { warn: () => undefined };
const tick = () => new Promise((resolve) => setTimeout(resolve, 20));

describe.each(testBackends())('DirectLinePersonChannel (%s)', (backend) => {
  let t: TestDatabase;
  let conversations: ConversationService;

  beforeAll(async () => {
    t = await openTestDatabase(backend);
    conversations = new ConversationService(createRepositories(t.database).conversations);
  }, 60_000);
  afterAll(() => t.dispose());

  function setup() {
    const hub = new StreamHub(conversations, logger);
    const adapter = new DirectLineAdapter({ conversations, hub, bot: BOT, clock: { now: () => new Date() } });
    const tracker = new TurnTracker();
    const turns: Array<{ activity: TurnContext['activity']; trusted: unknown }> = [];
    const bot = {
      run: async (context: TurnContext) => {
        turns.push({ activity: context.activity, trusted: context.turnState.get(HANDOFF_SIGNAL_TURN) });
        await context.sendActivity('respuesta del bot a la señal');
      },
    };
    const channel = new DirectLinePersonChannel({ adapter, bot, tracker, conversations, settings: { bot: BOT } });
    return { hub, adapter, tracker, turns, channel };
  }

  async function conversationWithStream(hub: StreamHub) {
    const conversation = await conversations.create('webchat', `dl_person_${Math.random().toString(36).slice(2)}`);
    const groups: ActivityGroup[] = [];
    const stream = hub.subscribe(conversation.id, 0, (group) => groups.push(group));
    await tick();
    return { conversation, groups, stream };
  }

  test('say: agent messages under the agent name (the bot id stays), automatic ones marked, each recorded once', async () => {
    const { hub, channel } = setup();
    const { conversation, groups, stream } = await conversationWithStream(hub);
    await channel.say(conversation.id, 'webchat', [
      { text: 'Buenos días, le atiende Laura Méndez.', speakerName: 'Laura Méndez', clientId: 'msg-1' },
      { text: 'Permítame, lo sigo atendiendo, no me cuelgue por favor.', automatic: true },
    ]);
    // A retried send of the same agent message is not recorded again.
    await channel.say(conversation.id, 'webchat', [{ text: 'Buenos días, le atiende Laura Méndez.', speakerName: 'Laura Méndez', clientId: 'msg-1' }]);
    await tick();

    const stored = (await conversations.since(conversation.id, 0)).map((r) => r.activity);
    expect(stored).toHaveLength(2);
    expect(stored[0]).toMatchObject({
      type: 'message',
      text: 'Buenos días, le atiende Laura Méndez.',
      from: { id: BOT.id, name: 'Laura Méndez', role: 'bot' },
      recipient: { id: conversation.userId, role: 'user' },
      channelData: { speakerName: 'Laura Méndez', agent: true, clientActivityID: 'agent:msg-1' },
    });
    expect(stored[1]).toMatchObject({ from: { id: BOT.id, name: BOT.name, role: 'bot' }, channelData: { automatic: true } });
    expect(groups.flatMap((g) => g.activities.map((a) => a.text))).toEqual([
      'Buenos días, le atiende Laura Méndez.',
      'Permítame, lo sigo atendiendo, no me cuelgue por favor.',
    ]);
    stream.close();
  });

  test('signal: a bot turn with the event, marked as the handoff service\'s, after the conversation\'s running turn', async () => {
    const { hub, tracker, turns, channel } = setup();
    const { conversation, groups, stream } = await conversationWithStream(hub);
    const order: string[] = [];
    let release: () => void = () => undefined;
    const running = tracker.run(conversation.id, async () => {
      order.push('message turn starts');
      await new Promise<void>((resolve) => (release = resolve));
      order.push('message turn ends');
    });
    const signalled = channel.signal(conversation.id, 'webchat', { kind: 'accepted', agentName: 'Laura Méndez' }).then(() => order.push('signal turn done'));
    await tick();
    expect(turns).toEqual([]);
    release();
    await Promise.all([running, signalled]);
    expect(order).toEqual(['message turn starts', 'message turn ends', 'signal turn done']);
    expect(turns).toHaveLength(1);
    expect(turns[0]?.trusted).toBe(true);
    expect(turns[0]?.activity).toMatchObject({
      type: 'event',
      name: `${HANDOFF_EVENT_PREFIX}accepted`,
      value: { kind: 'accepted', agentName: 'Laura Méndez' },
      channelId: 'webchat',
      conversation: { id: conversation.id },
      from: { id: conversation.userId, role: 'user' },
    });
    await tick();
    // The event itself is not in the transcript; the bot's reply is.
    expect((await conversations.since(conversation.id, 0)).map((r) => r.activity.type)).toEqual(['message']);
    expect(groups.flatMap((g) => g.activities.map((a) => a.text))).toEqual(['respuesta del bot a la señal']);
    stream.close();
  });

  test('typing: «<agent> está escribiendo…» on the open streams, not recorded', async () => {
    const { hub, channel } = setup();
    const { conversation, groups, stream } = await conversationWithStream(hub);
    await channel.typing(conversation.id, 'webchat', 'Laura Méndez');
    await tick();
    expect(groups.flatMap((g) => g.activities)).toEqual([
      expect.objectContaining({ type: 'typing', from: { id: BOT.id, name: 'Laura Méndez', role: 'bot' } }),
    ]);
    expect(await conversations.since(conversation.id, 0)).toEqual([]);
    stream.close();
  });

  test('refuses another channel and an unknown conversation', async () => {
    const { channel } = setup();
    await expect(channel.say('x', 'voice', [{ text: 'hola' }])).rejects.toThrow('DirectLinePersonChannel.say(): channel "voice" is not the web chat');
    await expect(channel.signal('no-such-conversation', 'webchat', { kind: 'failed' })).rejects.toThrow(
      'DirectLinePersonChannel.signal(): conversation no-such-conversation not found',
    );
    expect(() => new DirectLinePersonChannel({} as never)).toThrow('DirectLinePersonChannel: adapter is required');
  });
});
