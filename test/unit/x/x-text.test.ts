import { XConversations } from '../../../bots/channels/x/x-conversations';

/** XConversations.parts needs none of its collaborators; they are stubs. */
function conversations(maxChars?: number): XConversations {
  const stub = {} as never;
  return new XConversations({
    adapter: stub, bot: { run: async () => undefined }, conversations: stub, threads: stub, client: { sendMessage: async () => ({ dmConversationId: '', dmEventId: '' }) },
    tracker: stub, clock: { now: () => new Date() }, botAccount: { id: 'bot', name: 'Ventanilla' },
    logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
    ...(maxChars ? { maxChars } : {}),
  });
}

describe('X replies as plain text', () => {
  it('strips markdown and lists suggested actions as «Responda 1 para…»', () => {
    const parts = conversations().parts([
      { type: 'message', text: '**¿Le pasa también en otro equipo?** Vea [la guía](https://cau.ipn.mx/guia).', suggestedActions: { to: [], actions: [
        { type: 'imBack', title: 'Sí', value: 'Sí' }, { type: 'imBack', title: 'No', value: 'No' },
      ] } },
    ]);
    expect(parts).toEqual(['¿Le pasa también en otro equipo? Vea la guía (https://cau.ipn.mx/guia).\nResponda 1 para Sí o 2 para No.']);
  });

  it('splits long replies under 10,000 characters at sentence ends', () => {
    const text = 'Esta es una oración de prueba para llenar el mensaje. '.repeat(400);
    const parts = conversations().parts([{ type: 'message', text }]);
    expect(parts.length).toBe(3);
    for (const p of parts) {
      expect(p.length).toBeLessThanOrEqual(10_000);
      expect(p).toMatch(/\.$/);
    }
  });

  it('never goes over X’s limit even if asked to', () => {
    const parts = conversations(50_000).parts([{ type: 'message', text: 'a '.repeat(12_000) }]);
    for (const p of parts) expect(p.length).toBeLessThanOrEqual(10_000);
  });
});
