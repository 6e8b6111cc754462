/**
 * The review's tabulation (seed 001 stage 2: «tabula por tipo de incumplimiento»): the reviewers' «no cumple» verdicts
 * counted by checklist item, by agent and by channel, and the share of verdicts that complied. Pure.
 */
import { CHECKLIST_KEYS, CHECKLIST_LABELS, type ChecklistKey } from './checklist';

/** What the tabulation reads of one item. */
export interface TabulatedItem {
  channel: string;
  agent: { id: string; name: string } | null;
  verdicts: Readonly<Record<string, string>>;
}

/** Non-compliances of one group (agent or channel). */
export interface GroupTally {
  items: number;
  fails: number;
  byType: Partial<Record<ChecklistKey, number>>;
}

export interface Tabulation {
  byType: Array<{ item: ChecklistKey; label: string; fails: number }>;
  /** `agentId` null = the bot alone («Bot»). */
  byAgent: Array<{ agentId: string | null; name: string } & GroupTally>;
  byChannel: Array<{ channel: string } & GroupTally>;
  /** Verdicts «cumple» over «cumple» + «no cumple» (0..1); 0 when nothing was judged yet. */
  compliance: number;
  /** Verdicts given and how many of them complied. */
  judged: number;
  passed: number;
}

/** The name the tabulation gives the items nobody took (the bot alone). */
export const BOT_ONLY = 'Bot (sin agente)';

function tally(map: Map<string, GroupTally>, key: string, fails: ChecklistKey[]): void {
  const t = map.get(key) ?? { items: 0, fails: 0, byType: {} };
  t.items += 1;
  t.fails += fails.length;
  for (const k of fails) t.byType[k] = (t.byType[k] ?? 0) + 1;
  map.set(key, t);
}

/** Tabulates the verdicts of `items`. */
export function tabulate(items: readonly TabulatedItem[]): Tabulation {
  const byType = new Map<ChecklistKey, number>(CHECKLIST_KEYS.map((k) => [k, 0]));
  const agents = new Map<string, GroupTally>();
  const names = new Map<string, string>();
  const channels = new Map<string, GroupTally>();
  let judged = 0;
  let passed = 0;
  for (const item of items) {
    const fails = CHECKLIST_KEYS.filter((k) => item.verdicts[k] === 'fail');
    for (const k of CHECKLIST_KEYS) {
      if (item.verdicts[k] === 'pass') passed += 1;
      if (item.verdicts[k] === 'pass' || item.verdicts[k] === 'fail') judged += 1;
    }
    for (const k of fails) byType.set(k, (byType.get(k) ?? 0) + 1);
    const agentKey = item.agent?.id ?? '';
    names.set(agentKey, item.agent?.name ?? BOT_ONLY);
    tally(agents, agentKey, fails);
    tally(channels, item.channel, fails);
  }
  return {
    byType: CHECKLIST_KEYS.map((k) => ({ item: k, label: CHECKLIST_LABELS[k], fails: byType.get(k) ?? 0 })),
    byAgent: [...agents]
      .map(([id, t]) => ({ agentId: id === '' ? null : id, name: names.get(id) ?? BOT_ONLY, ...t }))
      .sort((a, b) => b.fails - a.fails || a.name.localeCompare(b.name, 'es')),
    byChannel: [...channels].map(([channel, t]) => ({ channel, ...t })).sort((a, b) => b.fails - a.fails || a.channel.localeCompare(b.channel)),
    compliance: judged === 0 ? 0 : Math.round((passed / judged) * 1000) / 1000,
    judged,
    passed,
  };
}
