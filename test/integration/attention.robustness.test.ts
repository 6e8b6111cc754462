import { type Activity, ActivityTypes, type TestAdapter } from 'botbuilder';
import { DialogTestClient } from 'botbuilder-testing';
import { MainDialog } from '../../dialogs/main.dialog';
import { messages } from '../../dialogs/messages/es-MX';
import { attentionFixture, MX, NOW, type AttentionFixture } from '../support/attention-fixture';
import { openTestDatabase, type TestDatabase } from '../support/test-database';

const m = messages.attention;

/**
 * People who do not answer what is asked: every conversation must still end (a ticket, a referral or «¿Hay algo
 * más…?») within a bounded number of messages, never asking the same thing forever.
 */
describe('attention script with people who do not answer what is asked', () => {
  let t: TestDatabase;
  let fixture: AttentionFixture;
  let n = 0;

  beforeAll(async () => {
    t = await openTestDatabase();
    fixture = attentionFixture(t.database);
    fixture.lookup.pinned.set('algo de la red', {
      text: 'algo de la red',
      decision: 'ambiguous',
      code: 'RED-WIFI',
      confidence: 0.41,
      alternatives: [{ code: 'CORREO-CONTRASENA', confidence: 0.38 }],
    });
  }, 60_000);
  afterAll(() => t.dispose());

  function conversation(requestDialog = fixture.dialog()) {
    const id = `robust-${++n}`;
    const dialog = new MainDialog({ requestDialog, settings: { botName: 'Ventanilla', timeZone: MX }, clock: { now: () => NOW } });
    const client = new DialogTestClient('webchat', dialog);
    const adapter = (client as unknown as { _testAdapter: TestAdapter })._testAdapter;
    adapter.conversation.conversation = { id, isGroup: false, conversationType: 'personal', name: id };
    adapter.conversation.user = { id: `person-${id}`, name: 'Persona' };
    const send = async (activity: string | Partial<Activity>): Promise<string[]> => {
      const texts: string[] = [];
      let reply = await client.sendActivity(activity);
      while (reply !== undefined) {
        texts.push(reply.text ?? '');
        reply = client.getNextReply();
      }
      return texts;
    };
    /** Sends the opening, then `answers` in a cycle until the bot asks «¿Hay algo más…?»; returns every reply. */
    const until = async (opening: string, answers: string[], limit: number): Promise<{ turns: number; said: string[] }> => {
      const said = await send(opening);
      for (let turn = 1; turn <= limit; turn++) {
        if (said.includes(messages.anythingElse)) return { turns: turn, said };
        said.push(...(await send(answers[(turn - 1) % answers.length] as string)));
      }
      throw new Error(`no end after ${limit} messages; last replies: ${JSON.stringify(said.slice(-4))}`);
    };
    return { id, send, until };
  }

  test.each([
    ['an invalid e-mail, again and again', 'olvidé la contraseña de mi correo', ['estudiante de ESCOM', 'Pedro Gómez Luna', 'pedro@ipn', 'pedro@ipn', 'pedro@ipn', 'pedro@ipn'], 12],
    ['blank answers to every question', 'olvidé la contraseña de mi correo', [' '], 30],
    ['«no» to every question', 'olvidé la contraseña de mi correo', ['no'], 20],
    ['a mistyped e-mail domain, insisted on', 'olvidé la contraseña de mi correo', ['estudiante de ESCOM', 'Pedro Gómez Luna', 'pedro@gmial.com', 'pedro@gmial.com', '5512345678'], 10],
    ['«ninguna de estas» and silence, round after round', 'algo de la red', [m.noneOfThese, ' ', m.noneOfThese, ' ', 'estudiante de ESCOM', 'Pedro Gómez Luna, pedro@ipn.mx, 5512345678'], 16],
    ['a unit nobody knows', 'olvidé la contraseña de mi correo', ['de la escuela superior de física y magia', 'la de magia', 'estudiante', 'Pedro Gómez Luna, pedro@ipn.mx, 5512345678'], 10],
  ])('%s: the conversation still ends', async (_label, opening, answers, limit) => {
    const c = conversation();
    const { said } = await c.until(opening, answers, limit);
    // No question was asked more than three times in a row.
    let run = 1;
    for (let i = 1; i < said.length; i++) {
      run = said[i] === said[i - 1] ? run + 1 : 1;
      expect({ text: said[i], run: Math.min(run, 4) }).not.toEqual({ text: said[i], run: 4 });
    }
  });

  test('when nothing identifies the service, the request is registered for the desk to classify', async () => {
    const c = conversation();
    const choices = m.didYouMean(['Falla de conexión a la red inalámbrica', 'Restablecimiento de contraseña de correo']);
    expect(await c.send('algo de la red')).toEqual([choices]);
    expect(await c.send(m.noneOfThese)).toEqual([m.clarify]);
    expect(await c.send(' ')).toEqual([m.textOnly, m.clarify]);
    expect(await c.send(' ')).toEqual([choices]);
    const said = await c.send(m.noneOfThese);
    expect(said).toEqual([m.unclassified, m.askUnitAndRole]);
    await c.send('estudiante de ESCOM');
    const registered = await c.send('Pedro Gómez Luna, pedro@ipn.mx, 5512345678');
    expect(registered[0]).toMatch(/^Registré su reporte con el número CAU-\d{4}-\d{6}\. Lo atenderá el grupo «Mesa de Ayuda»/);
    const [outcome] = await fixture.repos.attentions.byConversation(c.id);
    expect(outcome).toMatchObject({ outcome: 'ticket', serviceCode: null });
  });

  test('a photo instead of an answer is explained and the question repeated', async () => {
    const c = conversation();
    await c.send('olvidé la contraseña de mi correo');
    const said = await c.send({ type: ActivityTypes.Message, attachments: [{ contentType: 'image/png', contentUrl: 'data:,' }] });
    expect(said).toEqual([m.textOnly, m.askUnitAndRole]);
  });

  test('«se va la señal a cada rato» does not count as «sí, se resolvió»', async () => {
    const c = conversation();
    await c.send('no me conecta el wifi');
    await c.send('Soy docente de la ESCOM');
    await c.send('52030');
    await c.send('sí');
    await c.send('Edificio 2');
    expect(await c.send('se va la señal a cada rato')).toEqual([m.resolvedRetry]);
  });

  test('a new request given as the answer to «¿Hay algo más…?» is attended at once', async () => {
    const c = conversation();
    await c.send('quiero ver mis calificaciones');
    expect(await c.send('sí, también el wifi no me conecta')).toEqual([m.understood('Falla de conexión a la red inalámbrica'), m.askUnitAndRole]);
  });

  test('what the request already says about the person is not asked again', async () => {
    const c = conversation();
    const said = await c.send('Soy docente de la ESCOM, extensión 52030, y olvidé la contraseña de mi correo');
    expect(said).toEqual([m.understood('Restablecimiento de contraseña de correo'), m.askContactAll]);
  });

  test('guessing the proof of a ticket is limited: after five tries even the right answer is refused', async () => {
    const shared = fixture.dialog();
    const request = {
      kind: 'request' as const,
      serviceCode: 'CORREO-CONTRASENA',
      serviceName: 'Restablecimiento de contraseña de correo',
      resolverGroup: 'Mesa de ayuda',
      requesterId: null,
      requester: { name: 'Marta Ruiz Díaz', email: 'marta.ruiz@ipn.mx', phone: '5511112222' },
      channel: 'webchat',
      conversationId: 'elsewhere',
      description: 'olvidé mi contraseña',
      diagnostics: [],
      urgency: 'medium' as const,
      impact: 'minor' as const,
      idempotencyKey: 'robust-proof-ticket',
    };
    const { ticket } = await fixture.desk.registerTicket(request);
    for (let i = 0; i < 5; i++) {
      const guesser = conversation(shared);
      expect(await guesser.send(`estado del reporte ${ticket.number}`)).toEqual([m.verifyOwner]);
      expect(await guesser.send(`persona${i}@ipn.mx`)).toEqual([m.statusRefused, messages.anythingElse]);
    }
    const late = conversation(shared);
    await late.send(`estado del reporte ${ticket.number}`);
    expect(await late.send('marta.ruiz@ipn.mx')).toEqual([m.statusRefused, messages.anythingElse]);
    // Another ticket of hers is not affected.
    const second = await fixture.desk.registerTicket({ ...request, idempotencyKey: 'robust-proof-ticket-2' });
    const other = conversation(shared);
    await other.send(`estado del reporte ${second.ticket.number}`);
    expect((await other.send('marta.ruiz@ipn.mx'))[0]).toMatch(new RegExp(`^Su reporte ${second.ticket.number} `));
  });
});
