import { CHECKLIST_KEYS, PRECHECKED_KEYS, checklist } from '../../services/quality/checklist';
import { tabulate } from '../../services/quality/tabulation';

/** The checklist's points and how the tabulation counts them, «Atención exclusiva» (seed 002 point 4) included. */
describe('the protocol checklist', () => {
  it('has «Atención exclusiva» after «Tono y claridad», judged by the reviewer (no pre-check)', () => {
    const list = checklist();
    expect(list.map((c) => c.key)).toEqual(['immediacy', 'greeting', 'script', 'tone', 'attention', 'concision', 'patience', 'transfer', 'farewell', 'hold']);
    expect(list.find((c) => c.key === 'attention')).toEqual({ key: 'attention', label: 'Atención exclusiva', prechecked: false });
    expect((PRECHECKED_KEYS as readonly string[]).includes('attention')).toBe(false);
    expect(list.filter((c) => c.prechecked).map((c) => c.key).sort()).toEqual([...PRECHECKED_KEYS].sort());
  });

  it('tabulates its «no cumple» by point, agent and channel, and in the compliance share', () => {
    const all = (v: string) => Object.fromEntries(CHECKLIST_KEYS.map((k) => [k, v]));
    const t = tabulate([
      { channel: 'voice', agent: { id: 'a', name: 'Ana' }, verdicts: { ...all('pass'), attention: 'fail' } },
      { channel: 'voice', agent: { id: 'a', name: 'Ana' }, verdicts: { ...all('pass'), attention: 'fail', hold: 'fail' } },
      { channel: 'webchat', agent: null, verdicts: { ...all('na'), attention: 'pass' } },
    ]);
    expect(t.byType.find((x) => x.item === 'attention')).toEqual({ item: 'attention', label: 'Atención exclusiva', fails: 2 });
    expect(t.byAgent).toEqual([
      { agentId: 'a', name: 'Ana', items: 2, fails: 3, byType: { attention: 2, hold: 1 } },
      { agentId: null, name: 'Bot (sin agente)', items: 1, fails: 0, byType: {} },
    ]);
    // 20 verdicts on Ana's two items (3 «no cumple») and one «cumple» on the bot's: 18 of 21.
    expect([t.judged, t.passed, t.compliance]).toEqual([21, 18, Math.round((18 / 21) * 1000) / 1000]);
  });
});
