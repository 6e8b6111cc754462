import { CHOOSE_AN_OPTION, messengerMessages, quickReplies, quickReplyTitle } from '../../../bots/channels/facebook/facebook-text';

describe('Messenger rendering', () => {
  test('suggested actions become at most 13 quick replies, titles cut to 20 characters, the whole value as payload', () => {
    const actions = Array.from({ length: 15 }, (_, i) => ({ title: `Opción número ${i + 1} bastante larga`, value: `opcion ${i + 1}` }));
    const qr = quickReplies(actions);
    expect(qr).toHaveLength(13);
    for (const q of qr) expect(q.title.length).toBeLessThanOrEqual(20);
    expect(qr[0]).toEqual({ content_type: 'text', title: 'Opción número 1 bas…', payload: 'opcion 1' });
    expect(quickReplyTitle('Sí')).toBe('Sí');
  });

  test('markdown to plain text, long text split under 2,000 characters, quick replies on the last part only', () => {
    const long = 'Una oración de prueba que ocupa espacio. '.repeat(80);
    const out = messengerMessages([
      { type: 'message', text: `**Hola** [aquí](https://x.mx)\n\n${long}`, suggestedActions: { to: [], actions: [{ type: 'imBack', title: 'Sí', value: 'Sí' }] } },
      { type: 'event', name: 'x' },
      { type: 'message', text: '', suggestedActions: { to: [], actions: [{ type: 'imBack', title: 'No', value: 'No' }] } },
    ]);
    expect(out.length).toBe(3);
    expect(out[0]?.text.startsWith('Hola aquí (https://x.mx)')).toBe(true);
    for (const m of out) expect(m.text.length).toBeLessThanOrEqual(2000);
    expect(out[0]?.quickReplies).toBeUndefined();
    expect(out[1]?.quickReplies).toEqual([{ content_type: 'text', title: 'Sí', payload: 'Sí' }]);
    expect(out[2]).toEqual({ text: CHOOSE_AN_OPTION, quickReplies: [{ content_type: 'text', title: 'No', payload: 'No' }] });
  });
});
