import { CallbackScheduler, toE164, type CallbackSchedulerDeps } from '../../../services/callbacks/callback-scheduler';
import type { CallbackRow, ClaimResult } from '../../../services/callbacks/callback.service';
import { maskPhone } from '../../../services/callbacks/callback.service';

/** The scheduler's loop and its use of the service and Twilio, with strict doubles (an unexpected call fails). */

const NOW = new Date('2026-06-10T17:00:00Z');
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

function row(id: string, overrides: Partial<CallbackRow> = {}): CallbackRow {
  return {
    id, conversationId: `conv-${id}`, channel: 'voice', requesterId: null, name: null, phone: '5512345678', preferredTime: null, resolverGroup: null,
    reason: 'extension_busy', status: 'calling', createdAt: NOW, handledAt: null, kind: 'transfer', directoryEntryId: null, scheduledAt: null,
    nextAttemptAt: null, attempts: 1, maxAttempts: 3, lastCallSid: null, lastResult: 'dialing', requestedBy: null, ...overrides,
  };
}

interface Doubles {
  deps: CallbackSchedulerDeps;
  log: string[];
  claims: ClaimResult[];
  open: boolean;
  failTo: Set<string>;
}

function doubles(): Doubles {
  const d: Doubles = { log: [], claims: [], open: true, failTo: new Set(), deps: undefined as never };
  d.deps = {
    callbacks: {
      scheduleWords: async () => {
        d.log.push('scheduleWords');
        return 0;
      },
      claimDue: async (limit) => {
        d.log.push(`claimDue(${limit})`);
        return d.claims.shift() ?? { locked: true, claimed: [], expired: [] };
      },
      attemptStarted: async (r, sid, status) => {
        d.log.push(`attemptStarted(${r.id}, ${sid}, ${status})`);
      },
      attemptNotPlaced: async (r, error) => {
        d.log.push(`attemptNotPlaced(${r.id}, ${error})`);
        return null;
      },
    },
    twilio: {
      createCall: async (p) => {
        d.log.push(`createCall(${p.to}, ${p.url}, ${p.statusCallback}, ${p.timeout})`);
        if (d.failTo.has(p.to)) throw new Error('Twilio 21215: geo permission');
        return { sid: `CA-${p.to}`, status: 'queued' };
      },
    },
    hours: { isOpen: () => d.open },
    clock: { now: () => NOW },
    logger: silent,
    settings: { publicBaseUrl: 'https://cau.example.mx/', from: '+525500000000', ringSeconds: 20, batchSize: 2 },
  };
  return d;
}

describe('CallbackScheduler', () => {
  it('claims under the lock, places each claimed callback with our URLs, and reports what happened', async () => {
    const d = doubles();
    d.claims.push({ locked: true, claimed: [row('a'), row('b', { phone: '+1 415 555 0100' })], expired: [row('z')] });
    d.failTo.add('+14155550100');
    const report = await new CallbackScheduler(d.deps).tick();
    expect(report).toEqual({
      locked: true, open: true, expired: ['z'],
      placed: [{ id: 'a', callSid: 'CA-+525512345678' }],
      notPlaced: [{ id: 'b', error: 'Twilio 21215: geo permission' }],
    });
    expect(d.log).toEqual([
      'scheduleWords',
      'claimDue(2)',
      'createCall(+525512345678, https://cau.example.mx/api/twilio/voice/callback?id=a, https://cau.example.mx/api/twilio/voice/callback-status?id=a, 20)',
      'attemptStarted(a, CA-+525512345678, queued)',
      'createCall(+14155550100, https://cau.example.mx/api/twilio/voice/callback?id=b, https://cau.example.mx/api/twilio/voice/callback-status?id=b, 20)',
      'attemptNotPlaced(b, Twilio 21215: geo permission)',
    ]);
  });

  it('while the desk is closed it claims nothing new (lost attempts are still settled)', async () => {
    const d = doubles();
    d.open = false;
    expect(await new CallbackScheduler(d.deps).tick()).toMatchObject({ open: false, placed: [] });
    expect(d.log).toEqual(['scheduleWords', 'claimDue(0)']);
  });

  it('another instance holding the lock: nothing is placed', async () => {
    const d = doubles();
    d.claims.push({ locked: false, claimed: [], expired: [] });
    expect(await new CallbackScheduler(d.deps).tick()).toMatchObject({ locked: false, placed: [], notPlaced: [] });
    expect(d.log.some((l) => l.startsWith('createCall'))).toBe(false);
  });

  it('ticks on its timer without overlapping, and stop() waits for the running tick', async () => {
    jest.useFakeTimers();
    try {
      const d = doubles();
      let release: () => void = () => undefined;
      let ticks = 0;
      d.deps.callbacks.scheduleWords = async () => {
        ticks++;
        if (ticks === 2) await new Promise<void>((resolve) => (release = resolve));
        return 0;
      };
      const s = new CallbackScheduler(d.deps);
      s.start(1000);
      s.start(1000); // already started: no second loop
      await jest.advanceTimersByTimeAsync(1000);
      expect(ticks).toBe(1);
      await jest.advanceTimersByTimeAsync(1000);
      expect(ticks).toBe(2);
      // The second tick hangs: no third one starts meanwhile.
      await jest.advanceTimersByTimeAsync(5000);
      expect(ticks).toBe(2);
      let stopped = false;
      const stopping = s.stop().then(() => (stopped = true));
      await jest.advanceTimersByTimeAsync(0);
      expect(stopped).toBe(false);
      release();
      await stopping;
      await jest.advanceTimersByTimeAsync(5000);
      expect(ticks).toBe(2);
    } finally {
      jest.useRealTimers();
    }
  });

  it('refuses to start without PUBLIC_BASE_URL or a caller id', () => {
    const d = doubles();
    expect(() => new CallbackScheduler({ ...d.deps, settings: { ...d.deps.settings, publicBaseUrl: '' } })).toThrow(/PUBLIC_BASE_URL/);
    expect(() => new CallbackScheduler({ ...d.deps, settings: { ...d.deps.settings, from: '' } })).toThrow(/TWILIO_PHONE_NUMBER/);
  });
});

describe('numbers', () => {
  it.each([
    ['5512345678', '+525512345678'],
    ['55 1234 5678', '+525512345678'],
    ['+52 (55) 1234-5678', '+525512345678'],
    ['525512345678', '+525512345678'],
    ['0445512345678', '+525512345678'],
    ['5215512345678', '+525512345678'],
    ['015512345678', '+525512345678'],
    ['+1 415 555 0100', '+14155550100'],
  ])('%s → %s (E.164)', (given, e164) => {
    expect(toE164(given)).toBe(e164);
  });

  it('masks phone numbers for the logs', () => {
    expect(maskPhone('+525512345678')).toBe('…5678');
    expect(maskPhone('12')).toBe('…');
  });
});
