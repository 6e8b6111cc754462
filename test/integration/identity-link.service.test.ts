import { AuditRepository, createRepositories, type NewOutboxMessage, type Repositories } from '../../models';
import { IdentityLinkService } from '../../services/requesters/identity-link.service';
import { openTestDatabase, type TestDatabase } from '../support/test-database';

/** Codes that link a channel identity to a requester: sent, checked, limited, expired, audited. */
describe('IdentityLinkService', () => {
  let tdb: TestDatabase;
  let repos: Repositories;
  let now = new Date('2026-11-20T16:00:00Z');
  const clock = { now: () => now };
  const mails: NewOutboxMessage[] = [];
  const texts: Array<{ phone: string; body: string }> = [];
  let nextCode = '000000';

  const service = (overrides: Partial<ConstructorParameters<typeof IdentityLinkService>[0]> = {}) =>
    new IdentityLinkService({
      requesters: repos.requesters,
      audit: new AuditRepository(tdb.database.db),
      clock,
      secret: 'a-secret-for-the-code-hashes',
      orgName: 'Centro de Atención a Usuarios',
      mail: async (m) => void mails.push(m),
      sms: async (phone, body) => void texts.push({ phone, body }),
      code: () => nextCode,
      ...overrides,
    });

  beforeAll(async () => {
    tdb = await openTestDatabase();
    repos = createRepositories(tdb.database);
  }, 60_000);
  afterAll(async () => tdb?.dispose());

  async function requester(email: string): Promise<string> {
    const row = await repos.requesters.save({ kind: 'email', value: email }, { name: 'Carmen Ruiz', email }, false, now);
    return row.id;
  }

  it('links the identity after the right code, once, and audits it', async () => {
    const id = await requester('carmen@persona.test');
    const links = service();
    nextCode = '482913';
    expect(await links.start({ kind: 'facebook', value: 'PSID-1' }, id, { kind: 'email', value: 'carmen@persona.test' })).toBe(true);
    const mail = mails[mails.length - 1]!;
    expect(mail.payload).toMatchObject({ to: ['carmen@persona.test'] });
    expect(String(mail.payload.text)).toContain('482913');
    expect(await links.confirm({ kind: 'facebook', value: 'PSID-1' }, '111111')).toBeNull();
    expect(await repos.requesters.findByIdentity({ kind: 'facebook', value: 'PSID-1' })).toBeNull();
    expect(await links.confirm({ kind: 'facebook', value: 'PSID-1' }, '482 913')).toBe(id);
    expect((await repos.requesters.findByIdentity({ kind: 'facebook', value: 'PSID-1' }))?.id).toBe(id);
    // Used up.
    expect(await links.confirm({ kind: 'facebook', value: 'PSID-1' }, '482913')).toBeNull();
    const audit = await new AuditRepository(tdb.database.db).latest(5);
    expect(audit.find((a) => a.action === 'requester.link' && a.target === id)).toBeDefined();
  });

  it('does not take a code sent for another identity, nor after five wrong tries, nor after it expired', async () => {
    const id = await requester('luis@persona.test');
    const links = service();
    nextCode = '135790';
    await links.start({ kind: 'x', value: 'X-1' }, id, { kind: 'email', value: 'luis@persona.test' });
    expect(await links.confirm({ kind: 'x', value: 'X-OTHER' }, '135790')).toBeNull();

    for (let i = 0; i < 5; i++) expect(await links.confirm({ kind: 'x', value: 'X-1' }, '000001')).toBeNull();
    expect(await links.confirm({ kind: 'x', value: 'X-1' }, '135790')).toBeNull();

    nextCode = '246802';
    await links.start({ kind: 'x', value: 'X-1' }, id, { kind: 'phone', value: '5512345678' });
    expect(texts[texts.length - 1]).toMatchObject({ phone: '5512345678', body: expect.stringContaining('246802') });
    now = new Date(now.getTime() + 11 * 60_000);
    expect(await links.confirm({ kind: 'x', value: 'X-1' }, '246802')).toBeNull();
    expect(await repos.requesters.findByIdentity({ kind: 'x', value: 'X-1' })).toBeNull();
  });

  it('a new code replaces the earlier one, and a link made after a merge goes to the surviving record', async () => {
    const first = await requester('rosa@persona.test');
    const survivor = await requester('rosa.diaz@persona.test');
    const links = service();
    nextCode = '111222';
    await links.start({ kind: 'webchat', value: 'W-1' }, first, { kind: 'email', value: 'rosa@persona.test' });
    nextCode = '333444';
    await links.start({ kind: 'webchat', value: 'W-1' }, first, { kind: 'email', value: 'rosa@persona.test' });
    expect(await links.confirm({ kind: 'webchat', value: 'W-1' }, '111222')).toBeNull();
    await tdb.database.run('merge_for_test', 'update requesters set merged_into = $1 where id = $2', [survivor, first]);
    expect(await links.confirm({ kind: 'webchat', value: 'W-1' }, '333444')).toBe(survivor);
    expect((await repos.requesters.findByIdentity({ kind: 'webchat', value: 'W-1' }))?.id).toBe(survivor);
  });

  it('cannot send a code where there is no way to send it', async () => {
    const id = await requester('sin.sms@persona.test');
    const links = service({ sms: undefined });
    expect(links.canSend('phone')).toBe(false);
    expect(await links.start({ kind: 'x', value: 'X-2' }, id, { kind: 'phone', value: '5500000000' })).toBe(false);
  });
});
