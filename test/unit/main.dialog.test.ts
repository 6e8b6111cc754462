import { DialogTestClient } from 'botbuilder-testing';
import { detectInterruption, normalizeUtterance } from '../../dialogs/interruptible.dialog';
import { isRequestText, isSalutationOnly, MainDialog, MainDialogOptions, newRequestIn, parseYesNo } from '../../dialogs/main.dialog';
import { farewell, messages } from '../../dialogs/messages/es-MX';
import { FIXED_REPLY, RecordingRequestDialog } from '../support/recording-request-dialog';

const MX = 'America/Mexico_City';
const MORNING = new Date('2026-11-22T17:30:00Z'); // 11:30 in Mexico City
const EVENING = new Date('2026-11-23T02:00:00Z'); // 20:00 in Mexico City
const HANDLER_REPLY = FIXED_REPLY;
const FAREWELL_MORNING = farewell({ botName: 'Ventanilla', closing: 'que tenga buen día' });

function setup(options: { now?: Date; handler?: RecordingRequestDialog; initial?: MainDialogOptions } = {}) {
  const handler = options.handler ?? new RecordingRequestDialog();
  const now = options.now ?? MORNING;
  const dialog = new MainDialog({
    requestDialog: handler,
    settings: { botName: 'Ventanilla', timeZone: MX },
    clock: { now: () => now },
  });
  const client = new DialogTestClient('test', dialog, options.initial);
  /** Sends `text` and returns the texts of every reply of that turn. */
  const say = async (text: string): Promise<Array<string | undefined>> => {
    const texts: Array<string | undefined> = [];
    let reply = await client.sendActivity(text);
    while (reply !== undefined) {
      texts.push(reply.text);
      reply = client.getNextReply();
    }
    return texts;
  };
  return { client, say };
}

describe('MainDialog', () => {
  test('asks «¿En qué puedo ayudarle?» when the first message is only a salutation, then handles the answer', async () => {
    const handler = new RecordingRequestDialog();
    const { client, say } = setup({ handler });

    expect(await say('Hola, buenas tardes')).toEqual([messages.askRequest]);
    expect(handler.calls).toHaveLength(0);

    expect(await say('No puedo entrar a mi correo institucional')).toEqual([...HANDLER_REPLY, messages.anythingElse]);
    expect(handler.calls).toEqual([
      {
        text: 'No puedo entrar a mi correo institucional',
        ctx: { conversationId: 'Convo1', channel: 'test', userId: 'user1' },
      },
    ]);
    expect(client.dialogTurnResult.status).toBe('waiting');
  });

  test('asks first when begun with the «first» question option', async () => {
    const handler = new RecordingRequestDialog();
    const { say } = setup({ handler, initial: { question: 'first' } });

    expect(await say('olvidé mi contraseña')).toEqual([messages.askRequest]);
    expect(handler.calls).toHaveLength(0);
    expect(await say('olvidé mi contraseña')).toEqual([...HANDLER_REPLY, messages.anythingElse]);
    expect(handler.calls.map((call) => call.text)).toEqual(['olvidé mi contraseña']);
  });

  test('takes the first message as the request when the user already wrote it', async () => {
    const handler = new RecordingRequestDialog();
    const { say } = setup({ handler });

    expect(await say('  La impresora del tercer piso no imprime  ')).toEqual([...HANDLER_REPLY, messages.anythingElse]);
    expect(handler.calls.map((call) => call.text)).toEqual(['La impresora del tercer piso no imprime']);
  });

  test('the farewell sums up what each request did, in order', async () => {
    const handler = new RecordingRequestDialog(HANDLER_REPLY, { summary: 'registramos su reporte CAU-2026-000007' });
    const { say } = setup({ handler });

    await say('No tengo internet en mi oficina');
    expect(await say('sí')).toEqual([messages.askRequestAgain]);
    await say('Tampoco funciona el teléfono');
    expect(await say('no, gracias')).toEqual([
      farewell({
        botName: 'Ventanilla',
        closing: 'que tenga buen día',
        summary: ['registramos su reporte CAU-2026-000007', 'registramos su reporte CAU-2026-000007'],
      }),
    ]);
    expect(farewell({ botName: 'V', closing: 'que tenga buen día', summary: ['a', 'b', 'c'] })).toBe(
      'Fue un gusto atenderle. En resumen, a; b y c. Le recuerdo que le atendió V; hasta luego, que tenga buen día.',
    );
  });

  test('«¿Hay algo más…?» → sí loops back asking what else; no → farewell by time of day', async () => {
    const handler = new RecordingRequestDialog();
    const { client, say } = setup({ handler });

    await say('No tengo internet en mi oficina');
    expect(await say('Sí')).toEqual([messages.askRequestAgain]);
    expect(await say('Tampoco funciona el teléfono')).toEqual([...HANDLER_REPLY, messages.anythingElse]);
    expect(await say('claro')).toEqual([messages.askRequestAgain]);
    expect(await say('Y el proyector')).toEqual([...HANDLER_REPLY, messages.anythingElse]);
    expect(await say('No, gracias')).toEqual([
      'Fue un gusto atenderle. Le recuerdo que le atendió Ventanilla; hasta luego, que tenga buen día.',
    ]);
    expect(client.dialogTurnResult.status).toBe('complete');
    expect(handler.calls.map((call) => call.text)).toEqual([
      'No tengo internet en mi oficina',
      'Tampoco funciona el teléfono',
      'Y el proyector',
    ]);
  });

  test('the farewell follows the hour in the help desk time zone', async () => {
    const { say } = setup({ now: EVENING });

    await say('No tengo internet');
    expect(await say('no')).toEqual([farewell({ botName: 'Ventanilla', closing: 'que tenga buena noche' })]);
  });

  test('an answer that is neither yes nor no is asked again', async () => {
    const { say } = setup();

    await say('No tengo internet');
    expect(await say('quizá')).toEqual([messages.anythingElseRetry]);
    expect(await say('gracias')).toEqual([FAREWELL_MORNING]);
  });

  test('«ayuda» explains and repeats the current question', async () => {
    const { say } = setup();

    expect(await say('hola')).toEqual([messages.askRequest]);
    expect(await say('Ayuda')).toEqual([messages.help, messages.askRequest]);
    await say('No tengo internet');
    expect(await say('¡AYUDA!')).toEqual([messages.help, messages.anythingElse]);
    expect(await say('no')).toEqual([FAREWELL_MORNING]);
  });

  test('«ayuda» as the very first message explains and asks the first question', async () => {
    const handler = new RecordingRequestDialog();
    const { say } = setup({ handler });

    expect(await say('ayuda')).toEqual([messages.help, messages.askRequest]);
    expect(handler.calls).toHaveLength(0);
  });

  test('«cancelar» cancels, says so, and asks «¿Hay algo más…?»', async () => {
    const handler = new RecordingRequestDialog();
    const { client, say } = setup({ handler });

    await say('hola');
    expect(await say('cancelar.')).toEqual([messages.cancelled, messages.anythingElse]);
    expect(handler.calls).toHaveLength(0);
    expect(await say('sí')).toEqual([messages.askRequestAgain]);
    expect(await say('Cancelar')).toEqual([messages.cancelled, messages.anythingElse]);
    expect(await say('no')).toEqual([FAREWELL_MORNING]);
    expect(client.dialogTurnResult.status).toBe('complete');
    expect(handler.calls).toHaveLength(0);
  });

  test('«cancelar» with nothing in progress says there was nothing to cancel', async () => {
    const { say } = setup();

    expect(await say('cancelar')).toEqual([messages.nothingToCancel, messages.anythingElse]);
  });

  test('«menú» cancels and shows the main menu, then takes the request', async () => {
    const handler = new RecordingRequestDialog();
    const { say } = setup({ handler });

    await say('No tengo internet');
    expect(await say('MENÚ')).toEqual([messages.mainMenu]);
    expect(await say('Necesito una cuenta de correo')).toEqual([...HANDLER_REPLY, messages.anythingElse]);
    expect(await say('inicio')).toEqual([messages.mainMenu]);
    expect(await say('menu')).toEqual([messages.mainMenu]);
    expect(handler.calls.map((call) => call.text)).toEqual(['No tengo internet', 'Necesito una cuenta de correo']);
  });

  test('a request question answered without text asks for a description', async () => {
    const { client, say } = setup();

    await say('hola');
    const reply = await client.sendActivity({
      type: 'message',
      attachments: [{ contentType: 'image/png', contentUrl: 'https://example.test/captura.png' }],
    });
    expect(reply?.text).toBe(messages.askRequestRetry);
    expect(client.getNextReply()).toBeUndefined();
    expect(await say('hola')).toEqual([messages.askRequestRetry]);
  });
});

describe('utterance helpers', () => {
  test.each([
    ['Ayuda', 'help'],
    ['  ayuda  ', 'help'],
    ['¡AYUDA!', 'help'],
    ['cancelar.', 'cancel'],
    ['CANCELAR', 'cancel'],
    ['MENÚ', 'menu'],
    ['menu', 'menu'],
    ['Inicio', 'menu'],
    ['necesito ayuda con mi correo', undefined],
    ['quiero cancelar mi cuenta', undefined],
    ['', undefined],
    [undefined, undefined],
  ])('detectInterruption(%p) → %p', (text, expected) => {
    expect(detectInterruption(text)).toBe(expected);
  });

  test.each([
    ['Sí', true],
    ['si', true],
    ['SÍ, por favor', true],
    ['claro', true],
    ['Claro que sí', true],
    ['por favor', true],
    ['ok', true],
    ['No', false],
    ['no gracias', false],
    ['No, muchas gracias.', false],
    ['gracias', false],
    ['Muchas gracias', false],
    ['eso es todo', false],
    ['nada', false],
    ['quizá', undefined],
    ['la impresora', undefined],
    ['', undefined],
  ])('parseYesNo(%p) → %p', (text, expected) => {
    expect(parseYesNo(text)).toBe(expected);
  });

  test.each([
    ['hola', true],
    ['Hola, buenas tardes', true],
    ['¡Buenos días!', true],
    ['qué tal', true],
    ['hola, no tengo internet', false],
    ['', false],
  ])('isSalutationOnly(%p) → %p', (text, expected) => {
    expect(isSalutationOnly(text)).toBe(expected);
  });

  test('isRequestText rejects blanks, salutations and commands', () => {
    expect(isRequestText('no tengo internet')).toBe(true);
    expect(isRequestText('   ')).toBe(false);
    expect(isRequestText('hola')).toBe(false);
    expect(isRequestText('menú')).toBe(false);
    expect(normalizeUtterance('  ¿Señal   WiFi?  ')).toBe('senal wifi');
  });
});

describe('newRequestIn (a new request in the answer to «¿Hay algo más…?»)', () => {
  test.each([
    ['Sí, por favor', undefined],
    ['sí', undefined],
    ['no, gracias, que tenga buen día', undefined],
    ['Muchas gracias, es todo por ahora', undefined],
    ['sí, la impresora no imprime', 'la impresora no imprime'],
    ['Gracias. Oiga, también el teléfono falla', 'Oiga, también el teléfono falla'],
    ['también se me olvidó la contraseña del correo', 'también se me olvidó la contraseña del correo'],
  ])('%s → %s', (text, expected) => {
    expect(newRequestIn(text)).toBe(expected);
  });
});
