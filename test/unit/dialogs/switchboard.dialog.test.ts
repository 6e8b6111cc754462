import { type Activity, ActivityTypes, type TestAdapter } from 'botbuilder';
import { DialogTestClient } from 'botbuilder-testing';
import {
  type SwitchboardDirectory,
  type SwitchboardEntry,
  SwitchboardDialog,
  type SwitchboardMatch,
  switchboardQuery,
  wantsOutboundCall,
} from '../../../dialogs/directory/switchboard.dialog';
import { messages } from '../../../dialogs/messages/es-MX';
import type { RequestDialogOptions, RequestDialogResult } from '../../../dialogs/main.dialog';
import { normalizeUtterance } from '../../../dialogs/interruptible.dialog';
import { type DialResult, type TransferRequest, VOICE_EVENTS } from '../../../services/voice/voice-types';
import { FakeHandoffPort } from '../../support/handoff-fakes';

const s = messages.switchboard;
const NOW = new Date('2026-11-23T17:30:00Z');

const MARIA: SwitchboardEntry = {
  id: 'e-maria',
  kind: 'person',
  name: 'María Pérez Gómez',
  title: 'Lic.',
  gender: 'f',
  area: 'Recursos Humanos',
  extension: '42500',
  phone: '5557296000',
  email: 'maria.perez@cau.gob.mx',
  availability: 'available',
  availabilityNote: null,
  route: { kind: 'sip', uri: 'sip:42500@pbx.cau.example.gob.mx' },
};
const RH: SwitchboardEntry = { ...MARIA, id: 'e-rh', kind: 'area', name: 'Recursos Humanos', area: null, extension: '42000', email: 'rh@cau.gob.mx', phone: null };
const JORGE: SwitchboardEntry = {
  ...MARIA,
  id: 'e-jorge',
  name: 'Jorge Ramírez',
  area: 'Sistemas',
  extension: '43100',
  availability: 'unavailable',
  availabilityNote: 'está de vacaciones hasta el 3 de diciembre',
};
const NOROUTE: SwitchboardEntry = { ...MARIA, id: 'e-noroute', name: 'Archivo', kind: 'area', extension: '41000', route: null };

/** A directory that matches by shared words (enough to drive the dialog; the real lookup has its own tests). */
class FakeDirectory implements SwitchboardDirectory {
  constructor(private readonly entries: SwitchboardEntry[]) {}
  async lookup(query: string): Promise<SwitchboardMatch[]> {
    const words = new Set(normalizeUtterance(query).split(/\s+/).filter((w) => w.length > 3));
    return this.entries
      .map((entry) => {
        const names = normalizeUtterance(`${entry.name}`).split(/\s+/);
        const hits = names.filter((w) => words.has(w)).length;
        return { entry, score: hits === 0 ? 0 : Math.min(1, 0.55 + 0.2 * hits) };
      })
      .filter((m) => m.score > 0)
      .sort((a, b) => b.score - a.score);
  }
  async byExtension(extension: string): Promise<SwitchboardEntry | null> {
    return this.entries.find((e) => e.extension === extension) ?? null;
  }
  spokenName(entry: SwitchboardEntry): string {
    return entry.kind === 'area' ? `el área de ${entry.name}` : `la Lic. ${entry.name}`;
  }
}

let counter = 0;

function setup(channel: 'voice' | 'webchat', request: string) {
  const callbacks = new FakeHandoffPort();
  const dialog = new SwitchboardDialog({
    directory: new FakeDirectory([MARIA, RH, JORGE, NOROUTE]),
    callbacks,
    parseTime: (text) => (/mañana/i.test(text) ? { at: new Date('2026-11-24T16:00:00Z'), spoken: 'mañana a las 10:00' } : null),
    clock: { now: () => NOW },
    settings: { holdSeconds: 25, transferTimeoutSeconds: 20, waitAttempts: 2 },
    verifyPin: async (extension, pin) => (extension === '42500' && pin === '4821' ? MARIA : null),
    redact: async (conversationId, activityId) => redacted.push(`${conversationId}/${activityId}`),
  });
  const redacted: string[] = [];
  const options: RequestDialogOptions = { request };
  const client = new DialogTestClient(channel, dialog, options);
  const adapter = (client as unknown as { _testAdapter: TestAdapter })._testAdapter;
  adapter.conversation.conversation = { id: `switchboard-${++counter}`, isGroup: false, conversationType: 'personal', name: 'x' };
  adapter.conversation.user = { id: '+525512345678', name: 'caller' };
  const send = async (activity: string | Partial<Activity>): Promise<Array<Partial<Activity>>> => {
    const out: Array<Partial<Activity>> = [];
    let reply = await client.sendActivity(activity);
    while (reply !== undefined) {
      out.push(reply);
      reply = client.getNextReply();
    }
    return out;
  };
  const texts = (activities: Array<Partial<Activity>>) => activities.filter((a) => a.type === ActivityTypes.Message).map((a) => a.text);
  const events = (activities: Array<Partial<Activity>>, name: string) => activities.filter((a) => a.type === ActivityTypes.Event && a.name === name);
  const dialResult = (status: DialResult['status'], attempt = 1): Partial<Activity> => ({
    type: ActivityTypes.Event,
    name: VOICE_EVENTS.dialResult,
    value: { entryId: MARIA.id, status, durationSeconds: status === 'completed' ? 42 : null, attempt } satisfies DialResult,
  });
  return { client, send, texts, events, dialResult, callbacks, redacted };
}

describe('switchboardQuery', () => {
  it.each([
    ['Comuníqueme con la licenciada María Pérez', 'la licenciada maria perez'],
    ['¿Me puede pasar con Recursos Humanos, por favor?', 'recursos humanos'],
    ['quiero hablar con el ingeniero Jorge Ramírez', 'el ingeniero jorge ramirez'],
    ['¿Cuál es la extensión de sistemas?', 'sistemas'],
    ['el correo de la maestra Ruiz', 'la maestra ruiz'],
    ['42500', '42500'],
    ['extensión 42500', '42500'],
    ['quiero comunicarme a una extensión', ''],
  ])('%s → %s', (text, query) => {
    expect(switchboardQuery(text)).toBe(query);
  });

  it.each([
    'no puedo entrar a mi correo',
    'la impresora no imprime',
    'hola',
    '12',
    'necesito una cuenta de correo',
    'no me puedo conectar a internet',
    'necesito el correo de mi jefe',
    '¿cuál es el estado del número de reporte CAU-2026-000123?',
    'quiero hablar con un agente',
  ])('%s is not for the switchboard', (text) => {
    expect(switchboardQuery(text)).toBeNull();
  });
});

describe('SwitchboardDialog.claims', () => {
  const dialog = () =>
    new SwitchboardDialog({
      directory: new FakeDirectory([MARIA, RH, JORGE, NOROUTE]),
      callbacks: new FakeHandoffPort(),
      parseTime: () => null,
      clock: { now: () => NOW },
      settings: { holdSeconds: 25, transferTimeoutSeconds: 20, waitAttempts: 2 },
    });

  it('takes people, areas and extensions the directory knows, and the explicit «a una extensión»', async () => {
    const d = dialog();
    expect(await d.claims('comuníqueme con la licenciada María Pérez')).toBe(true);
    expect(await d.claims('necesito hablar con recursos humanos sobre mi quincena')).toBe(true);
    expect(await d.claims('42500')).toBe(true);
    expect(await d.claims('quiero comunicarme a una extensión')).toBe(true);
  });

  it('leaves everything else to the attention script', async () => {
    const d = dialog();
    expect(await d.claims('comuníqueme con Pancracio Zúñiga')).toBe(false);
    expect(await d.claims('99999')).toBe(false);
    expect(await d.claims('no me funciona la impresora')).toBe(false);
  });
});

describe('SwitchboardDialog on chat', () => {
  it('gives the extension, phone and e-mail of the area asked for', async () => {
    const t = setup('webchat', '¿Cuál es la extensión de Recursos Humanos?');
    const out = t.texts(await t.send('¿Cuál es la extensión de Recursos Humanos?'));
    expect(out).toEqual([s.contact('el área de Recursos Humanos', [s.extension('42000'), s.email('rh@cau.gob.mx')])]);
    expect((t.client.dialogTurnResult.result as RequestDialogResult).summary).toBe(s.summaryContact('el área de Recursos Humanos'));
    expect(t.events(await Promise.resolve([]), VOICE_EVENTS.transfer)).toHaveLength(0);
  });

  it('says when the person is not available', async () => {
    const t = setup('webchat', 'el teléfono de Jorge Ramírez');
    const out = t.texts(await t.send('el teléfono de Jorge Ramírez'));
    expect(out[1]).toBe(s.unavailable('la Lic. Jorge Ramírez', 'está de vacaciones hasta el 3 de diciembre'));
  });

  it('asks again when nobody matches, then gives up politely', async () => {
    const t = setup('webchat', 'comuníqueme con Pancracio Zúñiga');
    expect(t.texts(await t.send('comuníqueme con Pancracio Zúñiga'))).toEqual([s.notFound('pancracio zuniga'), s.askWho]);
    expect(t.texts(await t.send('Anacleto'))).toEqual([s.notFoundAgain]);
    expect((t.client.dialogTurnResult.result as RequestDialogResult).summary).toBeNull();
  });
});

describe('SwitchboardDialog on the phone', () => {
  it('confirms, transfers, and on a busy line books a call back at the time the caller says', async () => {
    const t = setup('voice', 'comuníqueme con la licenciada María Pérez');
    expect(t.texts(await t.send('comuníqueme con la licenciada María Pérez'))).toEqual([s.confirm('la Lic. María Pérez Gómez', '42500')]);

    const transferTurn = await t.send('sí');
    expect(t.texts(transferTurn)).toEqual([s.transferring]);
    const [transfer] = t.events(transferTurn, VOICE_EVENTS.transfer);
    expect(transfer?.value as TransferRequest).toEqual({
      entryId: MARIA.id,
      spokenName: 'la Lic. María Pérez Gómez',
      extension: '42500',
      route: MARIA.route,
      timeoutSeconds: 20,
      attempt: 1,
    });

    expect(t.texts(await t.send(t.dialResult('busy')))).toEqual([s.busy('la Lic. María Pérez Gómez', '42500', 'busy')]);
    expect(t.texts(await t.send('mejor que me llamen'))).toEqual([s.askWhen]);
    expect(t.texts(await t.send('mañana a las diez'))).toEqual([s.confirmCallback('mañana a las 10:00', '5678')]);
    expect(t.texts(await t.send('sí, por favor'))).toEqual([s.callbackBooked('mañana a las 10:00', 'la Lic. María Pérez Gómez')]);

    expect(t.callbacks.callbacks).toEqual([
      expect.objectContaining({ kind: 'transfer', directoryEntryId: MARIA.id, phone: '5512345678', preferredTime: 'mañana a las diez', scheduledAt: new Date('2026-11-24T16:00:00Z') }),
    ]);
    expect((t.client.dialogTurnResult.result as RequestDialogResult).summary).toBe(s.summaryCallback('la Lic. María Pérez Gómez', 'mañana a las 10:00'));
  });

  it('keeps the caller waiting with the hold phrase and tries again until the extension answers', async () => {
    const t = setup('voice', '42500');
    expect(t.texts(await t.send('42500'))).toEqual([s.confirm('la Lic. María Pérez Gómez', '42500')]);
    await t.send('sí');
    await t.send(t.dialResult('no-answer'));
    const wait = await t.send('espero');
    expect(t.texts(wait)).toEqual([s.hold]);
    expect(t.events(wait, VOICE_EVENTS.hold)[0]?.value).toEqual({ seconds: 25 });
    expect((t.events(wait, VOICE_EVENTS.transfer)[0]?.value as TransferRequest).attempt).toBe(2);
    // waitAttempts = 2: a second try without asking, then the question again.
    const second = await t.send(t.dialResult('busy', 2));
    expect(t.texts(second)).toEqual([s.hold]);
    expect((t.events(second, VOICE_EVENTS.transfer)[0]?.value as TransferRequest).attempt).toBe(3);
    expect(t.texts(await t.send(t.dialResult('busy', 3)))).toEqual([s.stillBusy('la Lic. María Pérez Gómez')]);
    const again = await t.send('sigo esperando');
    expect((t.events(again, VOICE_EVENTS.transfer)[0]?.value as TransferRequest).attempt).toBe(4);
    expect(await t.send(t.dialResult('completed', 4))).toEqual([]);
    expect((t.client.dialogTurnResult.result as RequestDialogResult).summary).toBe(s.summaryTransferred('la Lic. María Pérez Gómez'));
  });

  it('offers a call back at once when the person is not available, and says the extension when it cannot dial', async () => {
    const away = setup('voice', 'páseme con Jorge Ramírez');
    expect(away.texts(await away.send('páseme con Jorge Ramírez'))).toEqual([
      s.unavailable('la Lic. Jorge Ramírez', 'está de vacaciones hasta el 3 de diciembre'),
      s.askWhen,
    ]);
    const noRoute = setup('voice', 'comuníqueme con archivo');
    expect(noRoute.texts(await noRoute.send('comuníqueme con archivo'))).toEqual([s.noRoute('el área de Archivo', '41000')]);
  });

  it('asks for another number when the caller does not want a call back on theirs', async () => {
    const t = setup('voice', 'comuníqueme con la licenciada María Pérez');
    await t.send('comuníqueme con la licenciada María Pérez');
    await t.send('sí');
    await t.send(t.dialResult('failed'));
    await t.send('que me llamen');
    await t.send('mañana a las diez');
    expect(t.texts(await t.send('no'))).toEqual([s.askPhone]);
    expect(t.texts(await t.send('12345'))).toEqual([s.phoneRetry, s.askPhone]);
    expect(t.texts(await t.send('55 1111 2222'))).toEqual([s.callbackBooked('mañana a las 10:00', 'la Lic. María Pérez Gómez')]);
    expect(t.callbacks.callbacks[0]?.phone).toBe('5511112222');
  });
});

describe('outbound calls for internal staff', () => {
  it('recognises the request', () => {
    expect(wantsOutboundCall('Necesito hacer una llamada al exterior')).toBe(true);
    expect(wantsOutboundCall('¿me puede marcar a un celular?')).toBe(true);
    // A fault of the phone line is a request for the help desk, not an outbound call.
    expect(wantsOutboundCall('no me llegan las llamadas externas a mi extensión')).toBe(false);
    expect(wantsOutboundCall('comuníqueme con recursos humanos')).toBe(false);
  });

  it('on chat: only by phone', async () => {
    const t = setup('webchat', 'necesito hacer una llamada al exterior');
    expect(t.texts(await t.send('necesito hacer una llamada al exterior'))).toEqual([s.outboundPhoneOnly]);
  });

  it('on the phone: a wrong PIN twice refuses; the PIN turns are hidden', async () => {
    const t = setup('voice', 'necesito hacer una llamada al exterior');
    expect(t.texts(await t.send('necesito hacer una llamada al exterior'))).toEqual([s.outboundAskExtension]);
    await t.send('42500');
    expect(t.texts(await t.send('0000'))).toEqual([s.outboundBadPin, s.outboundAskExtension]);
    await t.send('42500');
    expect(t.texts(await t.send('1234'))).toEqual([s.outboundRefused]);
    expect(t.redacted).toHaveLength(2);
    expect(t.callbacks.callbacks).toEqual([]);
  });

  it('on the phone: verified staff get the number called, then their extension', async () => {
    const t = setup('voice', 'quiero hacer una llamada externa');
    await t.send('quiero hacer una llamada externa');
    await t.send('42500');
    expect(t.texts(await t.send('4821'))).toEqual([s.outboundAskNumber('Lic. María Pérez Gómez')]);
    expect(t.texts(await t.send('55 8765 4321'))).toEqual([s.outboundAskWho]);
    expect(t.texts(await t.send('con el proveedor'))).toEqual([s.outboundBooked('4321', '42500')]);
    expect(t.callbacks.callbacks).toEqual([
      expect.objectContaining({ kind: 'outbound', phone: '5587654321', directoryEntryId: MARIA.id, requestedBy: 'ext. 42500 María Pérez Gómez', name: 'con el proveedor' }),
    ]);
  });
});
