import type { TestAdapter } from 'botbuilder';
import { DialogTestClient } from 'botbuilder-testing';
import { MainDialog } from '../../dialogs/main.dialog';
import { farewell, messages } from '../../dialogs/messages/es-MX';
import type { Repositories } from '../../models';
import type { AttentionDesk } from '../../services/attention/attention-desk';
import { attentionCatalog, attentionFixture, MX, NOW, type AttentionFixture, type PinnedLookup } from '../support/attention-fixture';
import { openTestDatabase, testBackends, type TestDatabase } from '../support/test-database';

const m = messages.attention;
const catalog = attentionCatalog;

type Step = [said: string, expected: ReadonlyArray<string | RegExp>];

describe.each(testBackends())('attention script on %s', (backend) => {
  let t: TestDatabase;
  let repos: Repositories;
  let lookup: PinnedLookup;
  let desk: AttentionDesk;
  let conversationCounter = 0;

  let fixture: AttentionFixture;

  beforeAll(async () => {
    t = await openTestDatabase(backend);
    fixture = attentionFixture(t.database);
    ({ repos, lookup, desk } = fixture);
  }, 60_000);
  afterAll(() => t.dispose());

  /** A new conversation of `userId` on the web chat, through the main dialog and the attention script. */
  function conversation(userId = `user-${++conversationCounter}-${backend}`, channelId = 'webchat') {
    const conversationId = `conv-${++conversationCounter}-${backend}`;
    const dialog = new MainDialog({
      requestDialog: fixture.dialog(),
      settings: { botName: 'Ventanilla', timeZone: MX },
      clock: { now: () => NOW },
    });
    const client = new DialogTestClient(channelId, dialog);
    // DialogTestClient builds its own TestAdapter (with state auto-save); give it this conversation and person.
    const adapter = (client as unknown as { _testAdapter: TestAdapter })._testAdapter;
    adapter.conversation.conversation = { id: conversationId, isGroup: false, conversationType: 'personal', name: conversationId };
    adapter.conversation.user = { id: userId, name: 'Persona' };
    const say = async (text: string): Promise<string[]> => {
      const texts: string[] = [];
      let reply = await client.sendActivity(text);
      while (reply !== undefined) {
        texts.push(reply.text ?? '');
        reply = client.getNextReply();
      }
      return texts;
    };
    /** Plays the steps; each reply must match the expected texts (exact strings or patterns), in order. */
    const play = async (steps: readonly Step[]): Promise<string[][]> => {
      const all: string[][] = [];
      for (const [said, expected] of steps) {
        const replies = await say(said);
        all.push(replies);
        expect({ said, replies }).toEqual({ said, replies: expected.map((e) => (typeof e === 'string' ? e : expect.stringMatching(e))) });
      }
      return all;
    };
    return { conversationId, userId, say, play, client };
  }

  const contact = 'Me llamo Ana López Pérez, ana.lopez@ipn.mx, 55 1234 5678';
  const bye = (summary: string[]) => farewell({ botName: 'Ventanilla', closing: 'que tenga buen día', summary });

  test('fault → identification → diagnostics → self-help → «sí, se resolvió»: first level, no ticket', async () => {
    const c = conversation();
    await c.play([
      ['no me conecta el wifi', [m.understood('Falla de conexión a la red inalámbrica'), m.askUnitAndRole]],
      ['Soy docente de la ESCOM', [m.askExtension]],
      ['52030', [m.diagnosticsIntro, '¿Le pasa también en otro equipo?']],
      ['sí', ['¿En qué edificio está?']],
      ['Edificio 2', [`${m.selfHelpIntro}\n1. Olvide la red y vuelva a conectarse con su usuario institucional.`, m.resolvedQuestion]],
      ['sí, ya quedó', [m.firstLevelDone, messages.anythingElse]],
      ['no, gracias', [bye([m.summaryFirstLevel('Falla de conexión a la red inalámbrica')])]],
    ]);
    const outcomes = await repos.attentions.byConversation(c.conversationId);
    expect(outcomes.map((o) => [o.outcome, o.serviceCode, o.unitCode])).toEqual([['first_level', 'RED-WIFI', 'ESCOM']]);
    expect(await desk.unannounced(c.conversationId)).toEqual([]);
  });

  test('fault not resolved → impact → contact in one message → incident ticket with diagnostics and priority', async () => {
    const c = conversation();
    const replies = await c.play([
      ['el wifi se desconecta a cada rato', [m.understood('Falla de conexión a la red inalámbrica'), m.askUnitAndRole]],
      ['administrativo de UPIICSA, extensión 70123', [m.diagnosticsIntro, '¿Le pasa también en otro equipo?']],
      ['no', ['¿En qué edificio está?']],
      ['1', [/^Le propongo intentar lo siguiente:/, m.resolvedQuestion]],
      ['no, sigue igual', [m.needsTicket, m.askImpact]],
      ['a todo mi departamento', [m.askContactAll]],
      [contact, [/^Registré su reporte con el número CAU-2026-\d{6}\. Lo atenderá el grupo «Mesa de ayuda»/, m.keepNumber, messages.anythingElse]],
    ]);
    const number = /CAU-2026-\d{6}/.exec(replies[6]?.[0] ?? '')?.[0] ?? '';
    const ticket = await repos.tickets.findByNumber(number);
    expect(ticket).toMatchObject({
      kind: 'incident',
      serviceCode: 'RED-WIFI',
      resolverGroup: 'Mesa de ayuda',
      channel: 'webchat',
      conversationId: c.conversationId,
      description: 'el wifi se desconecta a cada rato',
      urgency: 'medium',
      impact: 'moderate',
      priority: 'P3',
      requester: { name: 'Ana López Pérez', email: 'ana.lopez@ipn.mx', phone: '5512345678', role: 'administrativo', unitCode: 'UPIICSA', extension: '70123' },
      diagnostics: [
        { id: 'otro-equipo', question: '¿Le pasa también en otro equipo?', answer: 'No' },
        { id: 'edificio', question: '¿En qué edificio está?', answer: 'Edificio 1' },
      ],
    });
    expect(ticket?.announcedAt).not.toBeNull();
    expect(ticket?.requesterId).not.toBeNull();
    const outcomes = await repos.attentions.byConversation(c.conversationId);
    expect(outcomes.map((o) => [o.outcome, o.ticketId])).toEqual([['ticket', ticket?.id]]);
    expect(await c.say('no')).toEqual([bye([m.summaryTicket(number, 'Falla de conexión a la red inalámbrica')])]);
  });

  test('request → identification (a student has no extension) → contact → request ticket', async () => {
    const c = conversation();
    const replies = await c.play([
      ['olvidé la contraseña de mi correo', [m.understood('Restablecimiento de contraseña de correo'), m.askUnitAndRole]],
      ['soy estudiante de la upiita', [m.askContactAll]],
      ['Luis Hernández Soto', [m.askEmail]],
      ['luis.hs@alumno.ipn.mx y mi cel es 5598765432', [/^Registré su reporte con el número CAU-2026-\d{6}/, m.keepNumber, messages.anythingElse]],
    ]);
    const number = /CAU-2026-\d{6}/.exec(replies[3]?.[0] ?? '')?.[0] ?? '';
    expect(await repos.tickets.findByNumber(number)).toMatchObject({
      kind: 'request',
      serviceCode: 'CORREO-CONTRASENA',
      impact: 'minor',
      urgency: 'medium',
      priority: 'P4',
      requester: { name: 'Luis Hernández Soto', email: 'luis.hs@alumno.ipn.mx', phone: '5598765432', role: 'estudiante', unitCode: 'UPIITA' },
    });
  });

  test('informative → a CAU_INFORMATIVO_04A record with its number', async () => {
    const c = conversation();
    const replies = await c.play([
      ['cuál es el horario de atención', [m.understood('Horario y ubicación del Centro de Atención'), m.askUnitAndRole]],
      ['docente, ESIME Zacatenco, no tengo extensión', [m.askContactAll]],
      [contact, [/^Su solicitud quedó registrada bajo el concepto CAU_INFORMATIVO_04A con el número CAU-2026-\d{6}\./, m.keepNumber, messages.anythingElse]],
    ]);
    const number = /CAU-2026-\d{6}/.exec(replies[2]?.[0] ?? '')?.[0] ?? '';
    expect(await repos.tickets.findByNumber(number)).toMatchObject({ kind: 'informative', serviceCode: 'HORARIO-CAU', urgency: 'low', impact: 'minor' });
    const outcomes = await repos.attentions.byConversation(c.conversationId);
    expect(outcomes.map((o) => o.outcome)).toEqual(['informative']);
  });

  test('out of scope → referral, phone and apology; nothing asked about the person; recorded', async () => {
    const c = conversation();
    const cat = catalog();
    await c.play([
      ['quiero ver mis calificaciones', [cat.referral.message, m.referralPhone(cat.referral.phone), m.outOfScopeApology, messages.anythingElse]],
      ['no', [bye([m.summaryOutOfScope])]],
    ]);
    const outcomes = await repos.attentions.byConversation(c.conversationId);
    expect(outcomes.map((o) => [o.outcome, o.serviceCode])).toEqual([['out_of_scope', null]]);
  });

  test('«cancelar» in the middle of the script keeps what was already done for the farewell', async () => {
    const c = conversation();
    const cat = catalog();
    await c.play([
      ['quiero ver mis calificaciones', [cat.referral.message, m.referralPhone(cat.referral.phone), m.outOfScopeApology, messages.anythingElse]],
      ['sí', [messages.askRequestAgain]],
      ['olvidé la contraseña de mi correo', [m.understood('Restablecimiento de contraseña de correo'), m.askUnitAndRole]],
      ['cancelar', [messages.cancelled, messages.anythingElse]],
      ['no', [bye([m.summaryOutOfScope])]],
    ]);
  });

  test('unclear → clarifying question → routed with both answers', async () => {
    const c = conversation();
    await c.play([
      ['tengo un problema', [m.clarify]],
      ['no me conecta el wifi en la biblioteca', [m.understood('Falla de conexión a la red inalámbrica'), m.askUnitAndRole]],
    ]);
  });

  test('ambiguous → «¿Se refiere a…?» with suggested actions; picking one continues with that service', async () => {
    const c = conversation();
    lookup.pinned.set('tengo un tema con la red', {
      text: 'tengo un tema con la red',
      decision: 'ambiguous',
      code: 'RED-WIFI',
      confidence: 0.41,
      alternatives: [{ code: 'CORREO-CONTRASENA', confidence: 0.38 }],
    });
    const first = await c.client.sendActivity('tengo un tema con la red');
    expect(first.text).toBe(m.didYouMean(['Falla de conexión a la red inalámbrica', 'Restablecimiento de contraseña de correo']));
    expect(first.suggestedActions.actions.map((a: { title: string }) => a.title)).toEqual([
      'Falla de conexión a la red inalámbrica',
      'Restablecimiento de contraseña de correo',
      m.noneOfThese,
    ]);
    await c.play([['2', [m.understood('Restablecimiento de contraseña de correo'), m.askUnitAndRole]]]);
  });

  test('ambiguous → «ninguna de estas» → clarifying question', async () => {
    const c = conversation();
    lookup.pinned.set('algo de la red', {
      text: 'algo de la red',
      decision: 'ambiguous',
      code: 'RED-WIFI',
      confidence: 0.41,
      alternatives: [{ code: 'CORREO-CONTRASENA', confidence: 0.38 }],
    });
    await c.play([
      ['algo de la red', [m.didYouMean(['Falla de conexión a la red inalámbrica', 'Restablecimiento de contraseña de correo'])]],
      [m.noneOfThese, [m.clarify]],
    ]);
  });

  test('`either` → «¿falla o petición?» → a fault without diagnostics goes to impact; catalog urgency raised by «urgente»', async () => {
    const c = conversation();
    const replies = await c.play([
      ['algo pasa con la impresora y es urgente', [m.understood('Impresoras'), m.askUnitAndRole]],
      ['personal administrativo de la ESCOM ext 52100', [m.faultOrRequest]],
      ['es una falla', [m.askImpact]],
      ['solo a mí', [m.askContactAll]],
      [contact, [/^Registré su reporte con el número CAU-2026-\d{6}\. Lo atenderá el grupo «Soporte técnico»/, m.keepNumber, messages.anythingElse]],
    ]);
    const number = /CAU-2026-\d{6}/.exec(replies[4]?.[0] ?? '')?.[0] ?? '';
    const ticket = await repos.tickets.findByNumber(number);
    expect(ticket).toMatchObject({ kind: 'incident', serviceCode: 'IMPRESORA', impact: 'minor' });
    expect(['critical', 'high']).toContain(ticket?.urgency);
  });

  test('`either` is not asked when the request already says it («no imprime» is a fault)', async () => {
    const c = conversation();
    await c.play([
      ['la impresora no imprime', [m.understood('Impresoras'), m.askUnitAndRole]],
      ['personal administrativo de la ESCOM ext 52100', [m.askImpact]],
    ]);
  });

  test('a returning person is asked to confirm what is on file instead of being asked again', async () => {
    const userId = `returning-${backend}`;
    const first = conversation(userId);
    await first.play([
      ['mi teléfono no tiene tono', [m.understood('Falla de telefonía'), m.askUnitAndRole]],
      ['docente de la ESCOM', [m.askExtension]],
      // «mi teléfono»: the description already says it affects one person, so impact is not asked.
      ['extensión 52040', [m.askContactAll]],
      [contact, [/^Registré su reporte/, m.keepNumber, messages.anythingElse]],
    ]);

    const second = conversation(userId);
    const known = m.knownData('Ana López Pérez, docente, Escuela Superior de Cómputo, extensión 52040, ana.lopez@ipn.mx, teléfono 55 1234 5678');
    const replies = await second.play([
      ['el teléfono de mi oficina no funciona', [m.understood('Falla de telefonía'), known]],
      ['sí', [/^Registré su reporte con el número CAU-2026-\d{6}/, m.keepNumber, messages.anythingElse]],
    ]);
    const number = /CAU-2026-\d{6}/.exec(replies[1]?.[0] ?? '')?.[0] ?? '';
    const ticket = await repos.tickets.findByNumber(number);
    expect(ticket).toMatchObject({ impact: 'moderate', requester: { name: 'Ana López Pérez', extension: '52040' } });

    const third = conversation(userId);
    await third.play([
      ['el teléfono de mi oficina no funciona', [m.understood('Falla de telefonía'), known]],
      ['no, ahora mi extensión es 52041', [m.dataUpdated, /^Registré su reporte/, m.keepNumber, messages.anythingElse]],
    ]);
    const stored = await desk.findPerson({ kind: 'webchat', value: userId });
    expect(stored?.slots.extension).toBe('52041');
  });

  test('a unit shared by several schools («la ESIME») is asked «¿De cuál de ellas?»; a mistyped e-mail domain «¿Quiso decir…?»', async () => {
    const c = conversation();
    const esime = ['Zacatenco', 'Culhuacán', 'Azcapotzalco', 'Ticomán'].map((u) => `Escuela Superior de Ingeniería Mecánica y Eléctrica, Unidad ${u}`);
    const replies = await c.play([
      ['olvidé la contraseña de mi correo', [m.understood('Restablecimiento de contraseña de correo'), m.askUnitAndRole]],
      ['soy docente de la ESIME', [m.whichUnit(esime)]],
      ['la de Culhuacán', [m.askExtension]],
      ['no tengo', [m.askContactAll]],
      ['Ana Pérez Gómez, ana.perez@gmial.com, 5512345678', [m.emailDidYouMean('ana.perez@gmail.com')]],
      ['sí', [/^Registré su reporte/, m.keepNumber, messages.anythingElse]],
    ]);
    const number = /CAU-2026-\d{6}/.exec(replies[5]?.[0] ?? '')?.[0] ?? '';
    expect((await repos.tickets.findByNumber(number))?.requester).toMatchObject({ unitCode: 'ESIME-CUL', email: 'ana.perez@gmail.com' });
    const [outcome] = await repos.attentions.byConversation(c.conversationId);
    expect(outcome?.unitCode).toBe('ESIME-CUL');
  });

  test('a caller number the channel gives is offered for confirmation, not asked', async () => {
    const c = conversation(backend === 'pglite' ? '+5215587650001' : '+5215587650002', 'sms');
    // A caller id can be spoofed: what is on file is shown partly hidden.
    const ending = backend === 'pglite' ? '0001' : '0002';
    await c.play([
      ['olvidé la contraseña de mi correo', [m.understood('Restablecimiento de contraseña de correo'), m.knownData(`teléfono terminado en ${ending}`)]],
      ['sí', [m.askUnitAndRole]],
      ['estudiante de ESCOM', [m.askName]],
    ]);
  });

  test('status lookup: the requester gets status, group and last update; anyone else a refusal that reveals nothing', async () => {
    const owner = conversation();
    const replies = await owner.play([
      ['olvidé la contraseña de mi correo', [m.understood('Restablecimiento de contraseña de correo'), m.askUnitAndRole]],
      ['estudiante de ESCOM', [m.askContactAll]],
      ['Marta Ruiz Díaz, marta.ruiz@ipn.mx, 5511112222', [/^Registré su reporte/, m.keepNumber, messages.anythingElse]],
    ]);
    const number = /CAU-2026-\d{6}/.exec(replies[2]?.[0] ?? '')?.[0] ?? '';
    const spaced = number.replace(/-/g, ' ');
    const status = new RegExp(`^Su reporte ${number} \\(«Restablecimiento de contraseña de correo»\\) está en estado «Registrado»\\. Última actualización: .+\\. Lo atiende el grupo «Mesa de ayuda»\\.$`);

    await owner.play([['sí', [messages.askRequestAgain]], [`¿cómo va mi reporte ${spaced}?`, [status, messages.anythingElse]]]);

    const stranger = conversation();
    await stranger.play([
      [`quiero saber el estado del ticket ${number}`, [m.verifyOwner]],
      ['otra.persona@ipn.mx', [m.statusRefused, messages.anythingElse]],
    ]);
    const probing = conversation();
    await probing.play([
      ['¿cómo va mi reporte CAU-2026-999999?', [m.verifyOwner]],
      ['marta.ruiz@ipn.mx', [m.statusRefused, messages.anythingElse]],
    ]);
    const verified = conversation();
    await verified.play([
      ['¿cómo va mi reporte?', [m.askTicketNumber]],
      [number.toLowerCase(), [m.verifyOwner]],
      ['mi teléfono es 55 1111 2222', [status, messages.anythingElse]],
    ]);
    const outcomes = await repos.attentions.byConversation(verified.conversationId);
    expect(outcomes.map((o) => o.outcome)).toEqual(['status_lookup']);
    expect(await repos.attentions.byConversation(stranger.conversationId)).toEqual([]);
  });

  test('an invalid e-mail or phone is explained and asked again; the ticket waits for a valid one', async () => {
    const c = conversation();
    await c.play([
      ['olvidé la contraseña de mi correo', [m.understood('Restablecimiento de contraseña de correo'), m.askUnitAndRole]],
      ['estudiante de ESCOM', [m.askContactAll]],
      ['Pedro Gómez Luna, pedro@@ipn', [m.emailInvalid]],
      ['pedro.gomez@ipn.mx', [m.askPhone]],
      ['55 1234', [m.phoneInvalid]],
      ['5512340000', [/^Registré su reporte/, m.keepNumber, messages.anythingElse]],
    ]);
  });
});
