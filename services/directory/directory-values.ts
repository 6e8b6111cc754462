/**
 * Directory entries as stored fields: from validated input, compared field by field for the audit log, and checked
 * against the rest of the directory (one active entry per extension and per name; outbound calls need a PIN).
 */
import type { DirectoryRow, DirectoryValues } from '../../models';
import type { DirectoryError, DirectoryInput } from './directory-types';
import { foldWord } from './spanish-phonetic';

const FIELD_NAMES: ReadonlyArray<keyof DirectoryValues> = [
  'kind', 'name', 'title', 'gender', 'area', 'position', 'aliases', 'extension', 'phone', 'email', 'availability',
  'availabilityNote', 'routeKind', 'routeAddress', 'sendDigits', 'outboundAllowed', 'active',
];

/** Stored fields from validated input (only the fields given). */
export function inputToValues(input: DirectoryInput): Partial<DirectoryValues> {
  const v: Partial<DirectoryValues> = {};
  const copy = ['kind', 'name', 'title', 'gender', 'area', 'position', 'aliases', 'extension', 'phone', 'email', 'availability', 'availabilityNote', 'outboundAllowed', 'active'] as const;
  for (const key of copy) if (input[key] !== undefined) Object.assign(v, { [key]: input[key] });
  if (input.route !== undefined) {
    const r = input.route;
    v.routeKind = r ? r.kind : null;
    v.routeAddress = r ? (r.kind === 'sip' ? r.uri : r.number) : null;
    v.sendDigits = r?.kind === 'pstn' ? (r.sendDigits ?? null) : null;
  }
  return v;
}

/** The stored fields of a row, to compare and merge. */
export function rowValues(row: DirectoryRow): DirectoryValues {
  const { id: _id, createdAt: _c, updatedAt: _u, ...values } = row;
  return values;
}

/** The fields whose value differs (aliases compared as lists). */
export function changedFields(before: DirectoryValues, after: DirectoryValues): string[] {
  const changed: string[] = FIELD_NAMES.filter((k) => JSON.stringify(before[k] ?? null) !== JSON.stringify(after[k] ?? null));
  if ((before.outboundPinHash ?? null) !== (after.outboundPinHash ?? null)) changed.push('pin');
  return changed;
}

/** Refuses a directory state with two active entries on one extension or one name, or outbound calls without a PIN. */
export function conflicts(values: DirectoryValues, id: string | null, current: readonly DirectoryRow[]): Array<{ path: string; message: string; code: DirectoryError['code'] }> {
  const problems: Array<{ path: string; message: string; code: DirectoryError['code'] }> = [];
  if (values.active !== false) {
    const others = current.filter((r) => r.active && r.id !== id);
    const sameExt = values.extension ? others.find((r) => r.extension === values.extension) : undefined;
    if (sameExt) problems.push({ path: 'extension', code: 'directory/duplicate_extension', message: `La extensión ${values.extension} ya es de ${sameExt.name}.` });
    const name = foldWord(values.name);
    const sameName = others.find((r) => r.kind === values.kind && foldWord(r.name) === name);
    if (sameName) problems.push({ path: 'name', code: 'directory/duplicate_name', message: `Ya existe ${values.kind === 'area' ? 'un área' : 'una persona'} con el nombre ${sameName.name}.` });
  }
  if (values.outboundAllowed && values.kind !== 'person') problems.push({ path: 'outboundAllowed', code: 'directory/invalid_input', message: 'Solo una persona puede pedir llamadas al exterior.' });
  else if (values.outboundAllowed && !values.outboundPinHash) problems.push({ path: 'pin', code: 'directory/invalid_input', message: 'Para permitir llamadas al exterior asigne un NIP.' });
  return problems;
}

