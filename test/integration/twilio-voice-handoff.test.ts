import { parseTwiml, SimulatedCaller } from '../support/simulated-caller';
import { VOICE_TEXTS } from '../../bots/channels/twilio-voice/voice-texts';
import { ACCOUNT_SID, AUTH_TOKEN, createAgent, OUR_NUMBER, PUBLIC_BASE_URL, startTwilioApp, TestClock, type TwilioApp } from './twilio-fixture';

const HOLD = 25;

/** A caller handed over to a live agent: their own Twilio queue, hold announcements, the agent's phone bridged. */
describe('Twilio voice channel: queued for an agent', () => {
  let t: TwilioApp;
  const clock = new TestClock();
  const agents: Array<Awaited<ReturnType<typeof createAgent>>> = [];

  beforeAll(async () => {
    t = await startTwilioApp({ VOICE_HOLD_SECONDS: String(HOLD), HANDOFF_MAX_WAIT_SECONDS: '300' }, clock);
    agents.push(await createAgent(t.running.app, { email: 'laura.voz@ipn.mx', name: 'Laura Méndez', phone: '+525588887777', status: 'away' }));
  }, 120_000);
  afterAll(() => t.stop());

  async function conversationOf(caller: SimulatedCaller): Promise<string> {
    const call = await t.running.app.calls.get(caller.callSid);
    if (!call?.conversationId) throw new Error(`no call record for ${caller.callSid}`);
    return call.conversationId;
  }

  async function askForAgent(caller: SimulatedCaller): Promise<string> {
    // The test clock jumps: the agents' consoles are alive (fresh heartbeats), or nobody could take the call.
    for (const agent of agents) await t.running.app.handoff.heartbeat(agent);
    await caller.call();
    await caller.say('quiero hablar con un agente por favor');
    expect(caller.pending).toBe('enqueue');
    return conversationOf(caller);
  }

  test('(e) queued with position and hold phrase; the agent accepts → their phone is called and bridged with <Dial><Queue>', async () => {
    const agent = agents[0] as (typeof agents)[number];
    await t.running.app.handoff.setPresence(agent, 'away');
    const first = t.caller();
    const firstConversation = await askForAgent(first);
    const caller = t.caller('+525544445555');
    const conversationId = await askForAgent(caller);

    // Its own queue, with the wait and exit callbacks of this conversation.
    const c = encodeURIComponent(conversationId);
    expect(caller.enqueueAttrs).toMatchObject({
      queue: `v-${conversationId}`,
      waitUrl: `${PUBLIC_BASE_URL}/api/twilio/voice/queue-wait?c=${c}`,
      action: `${PUBLIC_BASE_URL}/api/twilio/voice/queue-exit?c=${c}`,
    });
    expect(caller.lastSaid().join(' ')).toMatch(/\b2\b/); // the bot told the place in the queue
    expect((await t.running.app.handoff.queueState(conversationId))).toMatchObject({ state: 'queued', position: 2 });
    expect(await t.running.app.calls.get(caller.callSid)).toMatchObject({ queueGroup: 'Mesa de ayuda' });

    // Right after the bot spoke: silence until the hold phrase is due.
    let verbs = await caller.waitInQueue();
    expect(verbs.map((v) => v.name)).toEqual(['Pause']);
    // The hold phrase every VOICE_HOLD_SECONDS.
    clock.advance(HOLD);
    verbs = await caller.waitInQueue();
    expect(caller.lastSaid()).toEqual([VOICE_TEXTS.hold]);
    expect(verbs.find((v) => v.name === 'Pause')?.attrs.length).toBe(String(HOLD));

    // The first caller hangs up while queued: their handoff is cancelled, and this caller hears the new place.
    await first.hangUp(40);
    expect(await t.running.app.handoff.queueState(firstConversation)).toEqual({ state: 'none' });
    expect(await t.running.app.calls.get(first.callSid)).toMatchObject({ outcome: 'abandoned', status: 'completed' });
    clock.advance(10);
    await caller.waitInQueue();
    const state = await t.running.app.handoff.queueState(conversationId);
    expect(caller.lastSaid()).toEqual([VOICE_TEXTS.queuePosition(1, state.state === 'queued' ? state.estimatedWaitSeconds : 0)]);
    expect(caller.lastSaid()[0]).toMatch(/^Usted es la siguiente persona en la fila; el tiempo estimado es de /);

    // The agent becomes available: the call is offered, then accepted in the console.
    await t.running.app.handoff.setPresence(agent, 'available');
    const offered = await t.running.app.handoff.queueState(conversationId);
    expect(offered).toMatchObject({ state: 'offered', agentUserId: agent.userId });
    await caller.waitInQueue();
    expect(caller.lastSaid()).toEqual([VOICE_TEXTS.agentComing]);
    t.api.reset();
    await t.running.app.handoff.accept(agent, offered.state === 'offered' ? offered.handoffId : '');

    // The agent's phone is called, from our number, with the agent leg's TwiML URL.
    const [placed] = t.api.requestsOf('createCall');
    expect(placed?.form).toMatchObject({
      To: '+525588887777',
      From: OUR_NUMBER,
      Url: `${PUBLIC_BASE_URL}/api/twilio/voice/agent?c=${c}`,
      StatusCallback: `${PUBLIC_BASE_URL}/api/twilio/voice/status`,
    });
    const agentCall = [...t.api.calls.values()].find((x) => x.to === '+525588887777');
    expect(agentCall).toBeDefined();
    const leg = await t.running.app.calls.get(agentCall?.sid ?? '');
    expect(leg).toMatchObject({ purpose: 'agent', direction: 'outbound', parentCallSid: caller.callSid, agentUserId: agent.userId });

    // The agent answers: a one-line summary, then this caller's queue.
    const agentPhone = new SimulatedCaller({
      baseUrl: t.running.baseUrl, publicBaseUrl: PUBLIC_BASE_URL, authToken: AUTH_TOKEN, accountSid: ACCOUNT_SID,
      callSid: agentCall?.sid ?? 'CAmissing', from: OUR_NUMBER, to: '+525588887777', direction: 'outbound-api',
    });
    await agentPhone.call(placed?.form.Url as string);
    expect(agentPhone.lastSaid()[0]).toMatch(/^Llamada de la fila Mesa de ayuda\. La persona dijo: quiero hablar con un agente/);
    expect(agentPhone.pending).toBe('dial');
    expect(agentPhone.dialTarget).toMatchObject({ noun: 'Queue', value: `v-${conversationId}`, attrs: { url: `${PUBLIC_BASE_URL}/api/twilio/voice/bridge?c=${c}` } });

    // Before the bridge the caller hears who attends them (the bot's «accepted» turn).
    const bridge = await caller.rawPost(`/api/twilio/voice/bridge?c=${c}`, caller.callParams('in-progress'));
    expect(bridge.status).toBe(200);
    expect(bridge.body).toContain('Laura Méndez');

    // The agent hangs up after talking: the caller hears the farewell and the call ends.
    clock.advance(120);
    await caller.leaveQueue('bridged', 80);
    expect(caller.pending).toBe('hangup');
    expect(caller.lastSaid()[0]).toMatch(/^Gracias por comunicarse con nosotros\. Hasta luego, que tenga buen/);
    expect(await t.running.app.calls.get(caller.callSid)).toMatchObject({ outcome: 'handoff', agentUserId: agent.userId, queueWaitSeconds: 80 });
    await agentPhone.statusCallback('completed', { CallDuration: '95' });
    expect(await t.running.app.calls.get(agentCall?.sid ?? '')).toMatchObject({ status: 'completed', durationSeconds: 95 });
  }, 90_000);

  test('the agent\'s phone does not answer: the call goes back to the front of the queue and the agent is set away', async () => {
    const agent = agents[0] as (typeof agents)[number];
    await t.running.app.handoff.setPresence(agent, 'away');
    const caller = t.caller('+525544446666');
    const conversationId = await askForAgent(caller);
    await t.running.app.handoff.setPresence(agent, 'available');
    const offered = await t.running.app.handoff.queueState(conversationId);
    expect(offered).toMatchObject({ state: 'offered', agentUserId: agent.userId });
    t.api.reset();
    await t.running.app.handoff.accept(agent, offered.state === 'offered' ? offered.handoffId : '');
    const agentCall = [...t.api.calls.values()].find((x) => x.to === '+525588887777');
    const agentPhone = new SimulatedCaller({
      baseUrl: t.running.baseUrl, publicBaseUrl: PUBLIC_BASE_URL, authToken: AUTH_TOKEN, accountSid: ACCOUNT_SID,
      callSid: agentCall?.sid ?? 'CAmissing', from: OUR_NUMBER, to: '+525588887777', direction: 'outbound-api',
    });
    await agentPhone.statusCallback('no-answer');
    expect(await t.running.app.handoff.queueState(conversationId)).toMatchObject({ state: 'queued', position: 1, agentUserId: null });
    const snapshot = await t.running.app.handoff.snapshot(agent);
    expect(snapshot.me.status).toBe('away');
    // The caller, still waiting, is not stranded: hanging up ends the handoff.
    await caller.hangUp(60);
    expect(await t.running.app.handoff.queueState(conversationId)).toEqual({ state: 'none' });
  }, 60_000);

  test('(f) maximum wait → <Leave>; the bot offers what is left (message or callback) and the handoff ends', async () => {
    // Nobody free: the call waits in the queue.
    for (const agent of agents) await t.running.app.handoff.setPresence(agent, 'away');
    const caller = t.caller();
    const conversationId = await askForAgent(caller);
    clock.advance(301);
    const verbs = await caller.waitInQueue();
    expect(verbs.map((v) => v.name)).toEqual(['Leave']);
    // The Enqueue action followed (QueueResult=leave): the handoff's «unavailable» turn was run and is being heard.
    expect(await t.running.app.handoff.queueState(conversationId)).toEqual({ state: 'none' });
    expect(caller.pending).toBe('gather');
    expect(caller.lastSaid().length).toBeGreaterThan(0);
    const call = await t.running.app.calls.get(caller.callSid);
    expect(call?.meta).toMatchObject({ queue: null, lastSignal: { kind: 'unavailable' } });

    // «Leave a message» (the first option): a <Record>, then the bot hears the recording.
    await caller.press('1');
    expect(caller.pending).toBe('record');
    expect(caller.recordAttrs).toMatchObject({ action: `${PUBLIC_BASE_URL}/api/twilio/voice/record`, playBeep: 'true' });
    const url = 'https://api.twilio.com/2010-04-01/Accounts/AC/Recordings/RE0123';
    await caller.recordMessage(url, 14, '#');
    expect(await t.running.app.calls.get(caller.callSid)).toMatchObject({ messageRecordingUrl: url, outcome: 'message' });
    const events = (await t.running.app.conversations.since(conversationId, 0, 500)).map((r) => r.activity).filter((a) => a.type === 'event');
    expect(events).toContainEqual(expect.objectContaining({ name: 'ventanilla.voice.recorded', value: { purpose: 'handoff_message', url, durationSeconds: 14 } }));
    expect(caller.lastSaid().length).toBeGreaterThan(0);
  }, 60_000);

  test("the handoff service's own signal brings the caller out of the queue through /resume", async () => {
    const caller = t.caller();
    const conversationId = await askForAgent(caller);
    t.api.reset();
    // What the service does when the desk closes or the maximum wait passes on its own tick.
    await t.running.app.twilio?.voicePerson.signal(conversationId, 'voice', { kind: 'unavailable', why: 'closed', nextOpening: 'mañana a las 9:00' });
    const [update] = t.api.requestsOf('updateCall');
    expect(update?.path).toContain(`/Calls/${caller.callSid}.json`);
    expect(update?.form.Url).toBe(`${PUBLIC_BASE_URL}/api/twilio/voice/resume?c=${encodeURIComponent(conversationId)}&signal=unavailable`);
    await t.running.app.handoff.cancel(conversationId, 'test');
    // Twilio requests the new URL for the same call.
    const redirected = new SimulatedCaller({
      baseUrl: t.running.baseUrl, publicBaseUrl: PUBLIC_BASE_URL, authToken: AUTH_TOKEN, accountSid: ACCOUNT_SID,
      callSid: caller.callSid, from: '+525512340000', to: OUR_NUMBER,
    });
    await redirected.call(update?.form.Url as string);
    expect(redirected.pending).toBe('gather');
    expect(redirected.lastSaid().join(' ')).toMatch(/mañana a las 9:00|9:00/);
    // The same signal again (the queue noticed too) is not run twice.
    t.api.reset();
    await t.running.app.twilio?.voicePerson.signal(conversationId, 'voice', { kind: 'unavailable', why: 'closed' });
    expect(t.api.requestsOf('updateCall')).toEqual([]);
  }, 60_000);

  test('a callback call answered by the person is queued for an agent like an inbound call', async () => {
    for (const agent of agents) await t.running.app.handoff.setPresence(agent, 'away');
    const person = new SimulatedCaller({
      baseUrl: t.running.baseUrl, publicBaseUrl: PUBLIC_BASE_URL, authToken: AUTH_TOKEN, accountSid: ACCOUNT_SID,
      from: OUR_NUMBER, to: '+525512121212', direction: 'outbound-api',
    });
    const xml = await t.running.app.twilio?.status.enqueueCallback(person.callSid, {
      conversationId: 'chat-conversation-1', phone: '+525512121212', resolverGroup: null, reason: 'no puedo entrar a mi correo', name: 'Ana López',
    });
    const verbs = parseTwiml(xml ?? '');
    expect(verbs.map((v) => v.name)).toEqual(['Say', 'Enqueue']);
    expect(verbs[0]?.text).toMatch(/^(Buenos días|Buenas tardes|Buenas noches), le llamamos de la Mesa de Ayuda, como lo solicitó/);
    const call = await t.running.app.calls.get(person.callSid);
    expect(call).toMatchObject({ purpose: 'callback', direction: 'outbound', queueGroup: 'Mesa de ayuda' });
    const conversationId = call?.conversationId ?? '';
    expect(verbs[1]?.text).toBe(`v-${conversationId}`);
    expect(await t.running.app.conversations.get(conversationId)).toMatchObject({ channel: 'voice', externalId: person.callSid, userId: '+525512121212' });
    expect(await t.running.app.handoff.queueState(conversationId)).toMatchObject({ state: 'queued' });
    // The waitUrl serves this call like any queued caller.
    const wait = await person.rawPost(verbs[1]?.attrs.waitUrl ?? '', person.callParams('in-progress'));
    expect(wait.status).toBe(200);
    expect(parseTwiml(wait.body).map((v) => v.name)).toContain('Pause');
  }, 60_000);

  test('transferred to another agent while talking: the caller goes back to their queue and the new agent is called', async () => {
    const first = agents[0] as (typeof agents)[number];
    const second = await createAgent(t.running.app, { email: 'marco.voz@ipn.mx', name: 'Marco Díaz', phone: 'sip:marco@pbx.ipn.mx', status: 'away' });
    agents.push(second);
    await t.running.app.handoff.setPresence(first, 'available');
    const caller = t.caller();
    const conversationId = await askForAgent(caller);
    const c = encodeURIComponent(conversationId);
    const offered = await t.running.app.handoff.queueState(conversationId);
    const handoffId = offered.state === 'none' ? '' : offered.handoffId;
    await t.running.app.handoff.accept(first, handoffId);
    // Laura's phone takes the caller out of the queue.
    expect((await caller.rawPost(`/api/twilio/voice/bridge?c=${c}`, caller.callParams('in-progress'))).status).toBe(200);
    await t.running.app.handoff.setPresence(second, 'available');
    t.api.reset();
    await t.running.app.handoff.transfer(first, handoffId, { agentUserId: second.userId, note: 'es de redes' });
    await t.running.app.handoff.accept(second, handoffId);
    const [update] = t.api.requestsOf('updateCall');
    expect(update?.form.Url).toBe(`${PUBLIC_BASE_URL}/api/twilio/voice/requeue?c=${c}`);
    expect(t.api.requestsOf('createCall')[0]?.form).toMatchObject({ To: 'sip:marco@pbx.ipn.mx', Url: `${PUBLIC_BASE_URL}/api/twilio/voice/agent?c=${c}` });
    // Twilio follows the redirect: the caller hears why and waits in the queue again.
    const back = new SimulatedCaller({
      baseUrl: t.running.baseUrl, publicBaseUrl: PUBLIC_BASE_URL, authToken: AUTH_TOKEN, accountSid: ACCOUNT_SID,
      callSid: caller.callSid, from: '+525512340000', to: OUR_NUMBER,
    });
    await back.call(update?.form.Url as string);
    expect(back.lastSaid()).toEqual([VOICE_TEXTS.transferring]);
    expect(back.enqueueAttrs?.queue).toBe(`v-${conversationId}`);
  }, 60_000);
});
