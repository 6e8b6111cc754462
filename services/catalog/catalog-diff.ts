import { canonicalJson, type CatalogFile, type CatalogServiceDef } from './catalog-format';

export interface FieldChange {
  field: keyof CatalogServiceDef;
  before: unknown;
  after: unknown;
}

export interface CatalogDiff {
  added: string[];
  removed: string[];
  changed: { code: string; fields: FieldChange[] }[];
  /** Catalog-level settings that changed: `language`, `referral`, `outOfScope`. */
  settingsChanged: string[];
}

const SERVICE_FIELDS: (keyof CatalogServiceDef)[] = [
  'name',
  'category',
  'scope',
  'kind',
  'resolverGroup',
  'examples',
  'selfHelp',
  'diagnostics',
  'defaultUrgency',
  'requiresAgent',
  'active',
];

/** What changed from one catalog to another, service by service (matched by code). */
export function diffCatalogs(from: CatalogFile | null, to: CatalogFile): CatalogDiff {
  const before = new Map((from?.services ?? []).map((s) => [s.code, s]));
  const after = new Map(to.services.map((s) => [s.code, s]));
  const diff: CatalogDiff = { added: [], removed: [], changed: [], settingsChanged: [] };
  for (const [code, s] of after) {
    const old = before.get(code);
    if (!old) {
      diff.added.push(code);
      continue;
    }
    const fields = SERVICE_FIELDS.filter((f) => canonicalJson(old[f]) !== canonicalJson(s[f])).map((f) => ({ field: f, before: old[f], after: s[f] }));
    if (fields.length > 0) diff.changed.push({ code, fields });
  }
  for (const code of before.keys()) if (!after.has(code)) diff.removed.push(code);
  if (from) {
    for (const key of ['language', 'referral', 'outOfScope'] as const) {
      if (canonicalJson(from[key]) !== canonicalJson(to[key])) diff.settingsChanged.push(key);
    }
  }
  return diff;
}

export function summarize(diff: CatalogDiff): { added: number; removed: number; changed: number } {
  return { added: diff.added.length, removed: diff.removed.length, changed: diff.changed.length + (diff.settingsChanged.length > 0 ? 1 : 0) };
}
