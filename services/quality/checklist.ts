/**
 * The protocol checklist of the quality review (seed 001 annex 1 «Protocolo de atención», seed 002 protocol texts):
 * the items a reviewer marks for each sampled conversation or call, their es-MX labels, and which of them the
 * automatic pre-checks (prechecks.ts) already judge from the transcript and the call record.
 */

/**
 * Item keys, in the order the console shows them. `script` is the attention script (FO-CAU-01-01); `attention` is
 * seed 002's protocol point 4, «Atención»: complete and exclusive attention during the contact, without interruptions
 * or needless waits (placed after «tone», as in the seed's list).
 */
export const CHECKLIST_KEYS = ['immediacy', 'greeting', 'script', 'tone', 'attention', 'concision', 'patience', 'transfer', 'farewell', 'hold'] as const;

/** One checklist item key. */
export type ChecklistKey = (typeof CHECKLIST_KEYS)[number];

/** The items the pre-checks judge; tone, exclusive attention, concision and patience need a person's ear. */
export const PRECHECKED_KEYS = ['immediacy', 'greeting', 'script', 'hold', 'transfer', 'farewell'] as const;

/** One pre-checked item key. */
export type PrecheckedKey = (typeof PRECHECKED_KEYS)[number];

/** A reviewer's verdict (or a pre-check's result): complied, did not comply, does not apply. */
export type Verdict = 'pass' | 'fail' | 'na';

export const VERDICTS: readonly Verdict[] = ['pass', 'fail', 'na'];

/** Labels as the coordinators read them (es-MX). */
export const CHECKLIST_LABELS: Readonly<Record<ChecklistKey, string>> = {
  immediacy: 'Inmediatez',
  greeting: 'Saludo con nombre',
  script: 'Guion completo',
  tone: 'Tono y claridad',
  attention: 'Atención exclusiva',
  concision: 'Concisión',
  patience: 'Paciencia',
  transfer: 'Transferencia',
  farewell: 'Cortesía y despedida',
  hold: 'Contacto en espera',
};

/** One checklist entry as the API gives it. */
export interface ChecklistItem {
  key: ChecklistKey;
  label: string;
  prechecked: boolean;
}

const PRECHECKED: ReadonlySet<string> = new Set(PRECHECKED_KEYS);

/** The checklist, in display order. */
export function checklist(): ChecklistItem[] {
  return CHECKLIST_KEYS.map((key) => ({ key, label: CHECKLIST_LABELS[key], prechecked: PRECHECKED.has(key) }));
}

/** Whether `value` is a checklist key. */
export function isChecklistKey(value: unknown): value is ChecklistKey {
  return typeof value === 'string' && (CHECKLIST_KEYS as readonly string[]).includes(value);
}

/** Whether `value` is a verdict. */
export function isVerdict(value: unknown): value is Verdict {
  return typeof value === 'string' && (VERDICTS as readonly string[]).includes(value);
}
