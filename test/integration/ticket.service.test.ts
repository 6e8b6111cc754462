import { createRepositories } from '../../models';
import { TicketService, type TicketInput } from '../../services/tickets/ticket.service';
import { openTestDatabase, testBackends, type TestDatabase } from '../support/test-database';

function input(over: Partial<TicketInput> = {}): TicketInput {
  return {
    kind: 'incident',
    serviceCode: 'WIFI-SENAL',
    serviceName: 'Falla de señal Wi-Fi',
    resolverGroup: 'Redes y telecomunicaciones',
    requester: { name: 'Ana López', email: 'ana@ipn.mx', unit: 'ESCOM', role: 'docente', extension: '52000' },
    channel: 'webchat',
    description: 'No hay señal de Wi-Fi en el edificio 2',
    urgency: 'high',
    impact: 'moderate',
    ...over,
  };
}

describe.each(testBackends())('TicketService on %s', (backend) => {
  let t: TestDatabase;
  let now = new Date('2026-11-20T16:00:00Z');
  const clock = { now: () => now };
  let service: TicketService;

  beforeAll(async () => {
    t = await openTestDatabase(backend);
    service = new TicketService(createRepositories(t.database).tickets, clock);
  });
  afterAll(() => t.dispose());

  it('numbers tickets PREFIX-YYYY-NNNNNN, consecutive, with the priority of urgency × impact', async () => {
    const a = await service.register(input(), 'bot');
    const b = await service.register(input({ kind: 'request', urgency: 'low', impact: 'minor' }), 'bot');
    expect([a.ticket.number, b.ticket.number]).toEqual(['CAU-2026-000001', 'CAU-2026-000002']);
    expect(a.ticket).toMatchObject({ status: 'registered', priority: 'P2', resolverGroup: 'Redes y telecomunicaciones', requester: { unit: 'ESCOM' } });
    expect(b.ticket.priority).toBe('P5');
  });

  it('starts again at 1 in a new year of the desk’s calendar, and keeps prefixes apart', async () => {
    now = new Date('2027-01-01T05:59:00Z'); // 23:59 on 31 December 2026 in Mexico City
    expect((await service.register(input(), 'bot')).ticket.number).toBe('CAU-2026-000003');
    now = new Date('2027-01-01T06:01:00Z'); // 00:01 on 1 January 2027
    expect((await service.register(input(), 'bot')).ticket.number).toBe('CAU-2027-000001');
    const other = new TicketService(createRepositories(t.database).tickets, clock, { prefix: 'SAI' });
    expect((await other.register(input(), 'bot')).ticket.number).toBe('SAI-2027-000001');
    await expect(other.register(input({ description: '   ' }), 'bot')).rejects.toMatchObject({ code: 'ticket/invalid_input' });
    expect((await other.register(input(), 'bot')).ticket.number).toBe('SAI-2027-000002');
  });

  it('never creates a second ticket for the same inbound activity, even when the retries race', async () => {
    const results = await Promise.all([0, 1, 2, 3].map(() => service.register(input({ idempotencyKey: 'directline:conv-1|0000007' }), 'bot')));
    expect(new Set(results.map((r) => r.ticket.number)).size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    // No number was lost to the retries that lost the race.
    expect((await service.register(input(), 'bot')).ticket.number).toBe('CAU-2027-000003');
  });

  it('follows the lifecycle with a full history and refuses changes it does not allow', async () => {
    const { ticket } = await service.register(input(), 'bot');
    await service.changeStatus(ticket.number, 'assigned', 'coord@cau.mx');
    await service.changeStatus(ticket.number, 'in_progress', 'resolutor@cau.mx', 'Revisando el punto de acceso');
    await service.changeStatus(ticket.number, 'resolved', 'resolutor@cau.mx');
    await service.changeStatus(ticket.number, 'closed', 'coord@cau.mx');
    await expect(service.changeStatus(ticket.number, 'in_progress', 'x')).rejects.toMatchObject({ code: 'ticket/invalid_transition', message: 'Un ticket cerrado no puede pasar a en proceso.' });
    await expect(service.changeStatus('CAU-2027-999999', 'closed', 'x')).rejects.toMatchObject({ code: 'ticket/not_found' });
    const { history } = await service.get(ticket.number);
    expect(history.map((e) => [e.fromStatus, e.toStatus, e.actor])).toEqual([
      [null, 'registered', 'bot'],
      ['registered', 'assigned', 'coord@cau.mx'],
      ['assigned', 'in_progress', 'resolutor@cau.mx'],
      ['in_progress', 'resolved', 'resolutor@cau.mx'],
      ['resolved', 'closed', 'coord@cau.mx'],
    ]);
    expect(history[2]?.note).toBe('Revisando el punto de acceso');
  });

  if (backend === 'postgres') {
    it('gives 50 concurrent creations 50 distinct consecutive numbers', async () => {
      now = new Date('2028-03-01T18:00:00Z');
      const results = await Promise.all(Array.from({ length: 50 }, (_, i) => service.register(input({ description: `Falla ${i}` }), 'bot')));
      const numbers = results.map((r) => Number(r.ticket.number.slice(-6))).sort((a, b) => a - b);
      expect(numbers).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
      expect(new Set(results.map((r) => r.ticket.number)).size).toBe(50);
    });
  }
});
