import { ConversationRepository } from '../../models';
import type { NewActivity } from '../../models/repositories/conversation.repository';
import { openTestDatabase, testBackends, type TestDatabase } from '../support/test-database';

const line = (direction: 'in' | 'out', type: string, at: string, clientActivityId: string | null = null): NewActivity => ({
  direction,
  channel: 'webchat',
  type,
  fromId: direction === 'in' ? 'persona' : 'ventanilla-bot',
  recipientId: null,
  clientActivityId,
  text: type === 'message' ? 'hola' : null,
  timestamp: new Date(at),
  payload: { type },
});

// `person_wrote_at` is what the reports count a received request by: the transcript's append statement stamps it with
// the person's first message, and nothing else moves it.
describe.each(testBackends())('when the person first wrote, on %s', (backend) => {
  let t: TestDatabase;
  let repo: ConversationRepository;

  beforeAll(async () => {
    t = await openTestDatabase(backend);
    repo = new ConversationRepository(t.database);
  }, 60_000);
  afterAll(() => t.dispose());

  const wroteAt = async (id: string) => (await repo.findById(id))?.personWroteAt ?? null;

  it('stays empty for the bot\'s lines and the person\'s events, and takes the first message of a batch', async () => {
    await repo.create({ id: 'pw-1', channel: 'webchat', externalId: 'pw-1', userId: 'u1' });
    await repo.append('pw-1', line('out', 'message', '2026-11-03T10:00:00Z'));
    await repo.append('pw-1', line('in', 'conversationUpdate', '2026-11-03T10:00:01Z'));
    await repo.append('pw-1', line('in', 'event', '2026-11-03T10:00:02Z'));
    expect(await wroteAt('pw-1')).toBeNull();

    await repo.appendMany('pw-1', [line('out', 'typing', '2026-11-03T10:00:05Z'), line('in', 'message', '2026-11-03T10:00:07Z'), line('in', 'message', '2026-11-03T10:00:09Z')]);
    expect((await wroteAt('pw-1'))?.toISOString()).toBe('2026-11-03T10:00:07.000Z');
  });

  it('keeps the first message when later ones arrive, and a refused retry changes nothing', async () => {
    await repo.create({ id: 'pw-2', channel: 'webchat', externalId: 'pw-2', userId: 'u2' });
    await repo.append('pw-2', line('in', 'message', '2026-11-04T08:00:00Z', 'client-1'));
    await repo.append('pw-2', line('in', 'message', '2026-11-04T08:05:00Z'));
    expect(await repo.append('pw-2', line('in', 'message', '2026-11-04T07:00:00Z', 'client-1'))).toBeNull();
    expect((await wroteAt('pw-2'))?.toISOString()).toBe('2026-11-04T08:00:00.000Z');
  });
});
