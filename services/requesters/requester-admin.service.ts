import { z } from 'zod';
import type { IdentityRef, MovedCounts, RequesterAdminRepository, RequesterDetailRow, RequesterSearchQuery, RequesterSummaryRow } from '../../models';

export type { MovedCounts };

/** How an identity's link to its requester was proven (see `requester_identities.proof`); null = only claimed. */
export const IDENTITY_PROOFS = ['channel', 'sender', 'code', 'coordinator'] as const;
export type IdentityProof = (typeof IDENTITY_PROOFS)[number];

export interface RequesterIdentity {
  kind: string;
  value: string;
  verified: boolean;
  proof: IdentityProof | null;
  createdAt: Date;
}

/** A requester as the console's search lists it. */
export interface RequesterSummary {
  id: string;
  name: string | null;
  unitName: string | null;
  role: string | null;
  email: string | null;
  phone: string | null;
  identities: RequesterIdentity[];
  ticketCount: number;
  lastSeenAt: Date;
}

export interface RequesterTicket {
  id: string;
  number: string;
  status: string;
  kind: string;
  channel: string;
  conversationId: string | null;
  createdAt: Date;
}

/** A requester's record with its tickets (newest first, up to 200) and how many conversations it had. */
export interface RequesterDetail extends RequesterSummary {
  unitCode: string | null;
  extension: string | null;
  createdAt: Date;
  updatedAt: Date;
  tickets: RequesterTicket[];
  conversationCount: number;
}

export interface MergeResult {
  /** The survivor, after the merge. */
  requester: RequesterDetail;
  merged: string[];
  moved: MovedCounts;
  /** Fields of the survivor that were empty and now hold a source's value (`unit` = code and name). */
  filled: string[];
}

export interface SplitResult {
  /** The new requester holding the identities split off. */
  requester: RequesterDetail;
  /** The requester they came from, after the split. */
  source: RequesterDetail;
  moved: MovedCounts;
  /** Fields of the source emptied because they were the split identity's own address or number. */
  cleared: string[];
}

export type RequesterErrorCode =
  | 'requester/not_found'
  | 'requester/invalid_input'
  | 'requester/merged'
  | 'requester/self_merge'
  | 'requester/split_all';

/** A requester operation refused for a domain reason; `message` is Spanish, for the person. */
export class RequesterError extends Error {
  constructor(
    readonly code: RequesterErrorCode,
    message: string,
    readonly problems: ReadonlyArray<{ path: string; message: string }> = [],
  ) {
    super(message);
    this.name = 'RequesterError';
  }
}

export interface RequesterAdminServiceOptions {
  repo: RequesterAdminRepository;
  clock: { now(): Date };
}

export const DEFAULT_SEARCH_LIMIT = 20;
export const MAX_SEARCH_LIMIT = 50;
/** The most records one merge takes (a coordinator merges a handful; the locks stay short). */
export const MAX_MERGE_SOURCES = 20;

const ES = z.locales.es();
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NOT_FOUND = 'Ese solicitante no existe.';

const reason = z
  .string({ error: 'Escriba el motivo del cambio (reason).' })
  .trim()
  .min(3, { error: 'El motivo debe tener entre 3 y 500 caracteres.' })
  .max(500, { error: 'El motivo debe tener entre 3 y 500 caracteres.' });
const mergeSchema = z.strictObject({
  from: z
    .array(z.string({ error: 'Cada ficha se indica por su identificador.' }).regex(UUID, { error: 'No es el identificador de un solicitante.' }), {
      error: 'Indique en «from» la lista de fichas que se fusionan.',
    })
    .min(1, { error: 'Indique al menos una ficha que se fusiona.' })
    .max(MAX_MERGE_SOURCES, { error: `Como máximo ${MAX_MERGE_SOURCES} fichas a la vez.` }),
  reason,
});
const identitySchema = z.strictObject({
  kind: z.string({ error: 'Falta el canal (kind).' }).trim().min(1, { error: 'Falta el canal (kind).' }).max(40, { error: 'El canal admite hasta 40 caracteres.' }),
  value: z.string({ error: 'Falta el identificador en el canal (value).' }).min(1, { error: 'Falta el identificador en el canal (value).' }).max(500, { error: 'El identificador admite hasta 500 caracteres.' }),
});
const splitSchema = z.strictObject({
  identities: z
    .array(identitySchema, { error: 'Indique en «identities» las identidades que se separan.' })
    .min(1, { error: 'Elija al menos una identidad para separar.' })
    .max(50, { error: 'Como máximo 50 identidades a la vez.' }),
  reason,
});

/** Channels whose user id is a phone number, and the one whose user id is an e-mail address. */
const PHONE_KINDS = new Set(['voice', 'sms', 'whatsapp', 'twilio-voice']);
const EMAIL_KIND = 'email';

/**
 * What coordinators do with requesters (one person across channels): find them, look at one, merge records that are
 * the same person and split off identities that are someone else's. Every merge and split is audited with the
 * actor, the reason and what moved (in the same transaction as the change).
 */
export class RequesterAdminService {
  private readonly repo: RequesterAdminRepository;
  private readonly clock: { now(): Date };

  constructor(options: RequesterAdminServiceOptions) {
    if (!options?.repo) throw new Error('RequesterAdminService: repository is required');
    if (!options.clock) throw new Error('RequesterAdminService: clock is required');
    this.repo = options.repo;
    this.clock = options.clock;
  }

  /**
   * Unmerged requesters whose name has every word of `query` (accents and case aside), or whose e-mail or an
   * identity contains it, or — for a number — whose phone or an identity has those digits. Empty: the latest ones.
   */
  async search(query: string, opts: { limit?: number } = {}): Promise<RequesterSummary[]> {
    const limit = Math.min(Math.max(Math.trunc(opts.limit ?? DEFAULT_SEARCH_LIMIT), 1), MAX_SEARCH_LIMIT);
    return (await this.repo.search(searchQuery(query, limit))).map(toSummary);
  }

  /**
   * The requester's record. For a record merged into another, `requester` is the survivor's and `mergedInto` its id;
   * null when the id is unknown.
   */
  async get(id: string): Promise<{ requester: RequesterDetail; mergedInto: string | null } | null> {
    const row = await this.repo.detail(id.toLowerCase());
    if (!row) return null;
    if (!row.requester.mergedInto) return { requester: toDetail(row), mergedInto: null };
    const survivor = await this.repo.survivorOf(row.requester.mergedInto);
    const survivorRow = survivor ? await this.repo.detail(survivor.id) : null;
    return survivorRow ? { requester: toDetail(survivorRow), mergedInto: survivorRow.requester.id } : { requester: toDetail(row), mergedInto: row.requester.mergedInto };
  }

  /**
   * The id of the record that holds this requester now: itself, or the survivor of a merge (null when unknown).
   * Code holding a requester id from before a merge (a conversation's state) reads through this.
   */
  async survivorOf(id: string): Promise<string | null> {
    return (await this.repo.survivorOf(id.toLowerCase()))?.id ?? null;
  }

  /** Merges the records in `input.from` into `targetId` (body `{ from: [id…], reason }`). */
  async merge(actor: string, targetId: string, input: unknown): Promise<MergeResult> {
    const body = parse(mergeSchema, input);
    const target = targetId.toLowerCase();
    const from = [...new Set(body.from.map((id) => id.toLowerCase()))];
    if (from.includes(target)) {
      throw new RequesterError('requester/self_merge', 'Una ficha no se puede fusionar consigo misma.', [{ path: `from[${body.from.findIndex((id) => id.toLowerCase() === target)}]`, message: 'Es la misma ficha que queda.' }]);
    }
    const outcome = await this.repo.merge({ targetId: target, sourceIds: from, actor, reason: body.reason, now: this.clock.now() });
    if (!outcome.ok) {
      if (outcome.why === 'self') throw new RequesterError('requester/self_merge', 'Una ficha no se puede fusionar consigo misma.');
      if (outcome.why === 'not_found') {
        if (outcome.ids.includes(target)) throw new RequesterError('requester/not_found', NOT_FOUND);
        throw new RequesterError(
          'requester/invalid_input',
          outcome.ids.length === 1 ? 'Una de las fichas a fusionar no existe.' : 'Algunas de las fichas a fusionar no existen.',
          outcome.ids.map((id) => ({ path: `from[${from.indexOf(id)}]`, message: 'Esa ficha no existe.' })),
        );
      }
      if (outcome.ids.includes(target)) throw new RequesterError('requester/merged', 'Esta ficha ya se fusionó con otra; haga los cambios en la ficha que quedó.');
      throw new RequesterError(
        'requester/merged',
        outcome.ids.length === 1 ? 'Una de las fichas ya se fusionó con otra.' : 'Algunas de las fichas ya se fusionaron con otras.',
        outcome.ids.map((id) => ({ path: `from[${from.indexOf(id)}]`, message: 'Esa ficha ya se fusionó con otra.' })),
      );
    }
    return { requester: await this.detailOf(target), merged: from, moved: outcome.moved, filled: outcome.filled };
  }

  /** Splits identities off `requesterId` into a new requester (body `{ identities: [{ kind, value }…], reason }`). */
  async split(actor: string, requesterId: string, input: unknown): Promise<SplitResult> {
    const body = parse(splitSchema, input);
    const id = requesterId.toLowerCase();
    const seen = new Set<string>();
    const identities: IdentityRef[] = [];
    for (const k of body.identities) {
      const key = `${k.kind}\u0000${k.value}`;
      if (!seen.has(key)) identities.push({ kind: k.kind, value: k.value });
      seen.add(key);
    }
    const outcome = await this.repo.split({ requesterId: id, identities, fields: identityFacts(identities), actor, reason: body.reason, now: this.clock.now() });
    if (!outcome.ok) {
      switch (outcome.why) {
        case 'not_found':
          throw new RequesterError('requester/not_found', NOT_FOUND);
        case 'merged':
          throw new RequesterError('requester/merged', 'Esta ficha ya se fusionó con otra; haga los cambios en la ficha que quedó.');
        case 'unknown_identities':
          throw new RequesterError(
            'requester/invalid_input',
            'Solo se pueden separar identidades de esta ficha.',
            outcome.identities.map((k) => ({ path: `identities[${body.identities.findIndex((b) => b.kind === k.kind && b.value === k.value)}]`, message: 'Esa identidad no es de esta ficha.' })),
          );
        case 'all_identities':
          throw new RequesterError('requester/split_all', 'No se pueden separar todas las identidades: la ficha quedaría vacía. Si todas son de otra persona, fusione esta ficha con la suya.');
      }
    }
    return { requester: await this.detailOf(outcome.created.id), source: await this.detailOf(id), moved: outcome.moved, cleared: outcome.cleared };
  }

  private async detailOf(id: string): Promise<RequesterDetail> {
    const row = await this.repo.detail(id);
    if (!row) throw new RequesterError('requester/not_found', NOT_FOUND);
    return toDetail(row);
  }
}

/** Lower case, accents and extra spaces removed (as the repository's SQL folds names). */
export function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

/** «+52 55 1234 5678», «044 55…», «whatsapp:+521…» → the 10 national digits; other numbers as they are. */
export function nationalDigits(text: string): string {
  const digits = text.replace(/\D/g, '');
  if (digits.length === 12 && digits.startsWith('52')) return digits.slice(2);
  if (digits.length === 13 && digits.startsWith('521')) return digits.slice(3);
  if (digits.length === 13 && (digits.startsWith('044') || digits.startsWith('045'))) return digits.slice(3);
  return digits;
}

/** What a search text asks the repository: name words, text for e-mail and identities, and digits for a number. */
export function searchQuery(query: string, limit: number): RequesterSearchQuery {
  const text = query.trim().slice(0, 200);
  const digits = nationalDigits(text);
  const isNumber = /^[\d\s()+.-]+$/.test(text) && digits.length >= 3;
  return {
    words: isNumber ? [] : fold(text).split(' ').filter((w) => w !== ''),
    text: text === '' ? null : text.toLowerCase(),
    digits: isNumber ? digits : null,
    limit,
  };
}

/** What split identities say about their person: an e-mail identity its address, a phone one its 10 digits. */
export function identityFacts(identities: readonly IdentityRef[]): { email?: string; phone?: string } {
  const facts: { email?: string; phone?: string } = {};
  for (const { kind, value } of identities) {
    if (kind === EMAIL_KIND && !facts.email && /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(value.trim())) facts.email = value.trim().toLowerCase();
    if (PHONE_KINDS.has(kind) && !facts.phone) {
      const digits = nationalDigits(value.replace(/^whatsapp:/i, ''));
      if (digits.length === 10) facts.phone = digits;
    }
  }
  return facts;
}

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value, { error: ES.localeError });
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => ({ path: i.path.map((p, n) => (typeof p === 'number' ? `[${p}]` : `${n > 0 ? '.' : ''}${String(p)}`)).join('') || '(raíz)', message: i.message }));
  const message = problems.length === 1 ? (problems[0]?.message ?? '') : `Datos inválidos: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`;
  throw new RequesterError('requester/invalid_input', message, problems);
}

function proofOf(value: string | null): IdentityProof | null {
  return IDENTITY_PROOFS.find((p) => p === value) ?? null;
}

function toSummary(row: RequesterSummaryRow): RequesterSummary {
  const r = row.requester;
  return {
    id: r.id,
    name: r.name,
    unitName: r.unitName,
    role: r.role,
    email: r.email,
    phone: r.phone,
    identities: row.identities.map((i) => ({ kind: i.kind, value: i.value, verified: i.verified, proof: proofOf(i.proof), createdAt: i.createdAt })),
    ticketCount: row.ticketCount,
    lastSeenAt: row.lastSeenAt,
  };
}

function toDetail(row: RequesterDetailRow): RequesterDetail {
  const r = row.requester;
  return {
    ...toSummary(row),
    unitCode: r.unitCode,
    extension: r.extension,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    tickets: row.tickets.map((t) => ({ ...t })),
    conversationCount: row.conversationCount,
  };
}
