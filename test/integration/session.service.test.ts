import { createRepositories } from '../../models';
import { SessionService } from '../../services/auth/session.service';
import { UserService } from '../../services/users/user.service';
import { openTestDatabase, type TestDatabase } from '../support/test-database';

describe('SessionService', () => {
  let t: TestDatabase;
  let now = new Date('2026-11-20T16:00:00Z');
  let sessions: SessionService;
  let users: UserService;
  const clock = { now: () => now };
  const minutes = (n: number) => (now = new Date(now.getTime() + n * 60_000));

  beforeAll(async () => {
    t = await openTestDatabase();
    const repos = createRepositories(t.database);
    users = new UserService(repos.users, repos.audit);
    sessions = new SessionService(users, repos.sessions, clock, { idleMinutes: 30, absoluteHours: 2 });
    await users.create({ email: 'coord@cau.mx', role: 'coordinator', password: 'contraseña-segura-123', actor: 'test' });
  });
  afterAll(() => t.dispose());

  it('refuses a wrong password and an unknown account alike', async () => {
    await expect(sessions.login('coord@cau.mx', 'incorrecta-123456')).rejects.toMatchObject({ code: 'auth/invalid_credentials' });
    await expect(sessions.login('nadie@cau.mx', 'contraseña-segura-123')).rejects.toMatchObject({ code: 'auth/invalid_credentials' });
  });

  it('keeps a session alive while used, ends it after the idle time, and never past the absolute limit', async () => {
    const { token, csrfToken } = await sessions.login('coord@cau.mx', 'contraseña-segura-123');
    expect(await sessions.resume(token)).toEqual({ user: expect.objectContaining({ email: 'coord@cau.mx', role: 'coordinator' }), csrfToken });
    expect(await sessions.resume(`${token}x`)).toBeNull();
    for (let i = 0; i < 4; i++) {
      minutes(25);
      expect(await sessions.resume(token)).not.toBeNull();
    }
    minutes(25); // 125 min after login: past the 2 h absolute limit although it was used 25 min ago
    expect(await sessions.resume(token)).toBeNull();

    const second = await sessions.login('coord@cau.mx', 'contraseña-segura-123');
    minutes(31);
    expect(await sessions.resume(second.token)).toBeNull();
  });

  it('ends the session on logout', async () => {
    const { token } = await sessions.login('coord@cau.mx', 'contraseña-segura-123');
    await sessions.logout(token);
    expect(await sessions.resume(token)).toBeNull();
  });
});
