import argon2 from 'argon2';
import type { AuditRepository, DirectoryRepository, DirectoryRow, DirectoryValues } from '../../models';
import { writeDirectoryCsv } from './directory-csv';
import { planImport, readImport, type ImportInput } from './directory-import';
import { DirectoryIndex } from './directory-index';
import { parseDirectoryInput } from './directory-input';
import { DirectoryError, type DirectoryEntry, type DirectoryInput, type DirectoryKind, type DirectoryMatch, type VoiceRoute } from './directory-types';
import { changedFields, conflicts, inputToValues, rowValues } from './directory-values';
import { spokenName, type SpokenNameOptions } from './spoken-name';
import { foldWord } from './spanish-phonetic';

export { lookupOutcome } from './directory-index';
export { LOOKUP_THRESHOLDS, type DirectoryEntry, type DirectoryMatch, type LookupOutcome, type MatchedOn } from './directory-types';

export interface DirectoryClock {
  now(): Date;
}

export interface DirectoryLogger {
  warn(obj: object, msg: string): void;
}

/** What an import did (or, with `dryRun`, would do). When `errors` is not empty, nothing was changed. */
export interface ImportResult {
  created: number;
  updated: number;
  unchanged: number;
  deactivated: number;
  errors: Array<{ line: number; message: string }>;
}

export interface DirectoryServiceOptions {
  repo: DirectoryRepository;
  audit: AuditRepository;
  clock: DirectoryClock;
  logger?: DirectoryLogger;
  /** How old the in-memory directory may get before a lookup reloads it in the background (ms; default 30 s). */
  cacheTtlMs?: number;
  /** The PBX host that dials an extension of an entry without a route of its own: `sip:<extension>@<host>`. */
  defaultSipHost?: string | null;
  /** Wrong PINs for one extension before it is locked, and for how long (default 5 in 15 min, locked 15 min). */
  pinLockout?: { maxFailures: number; windowMs: number };
}

/**
 * argon2id with OWASP's recommended floor (19 MiB, 2 passes, 1 lane), as for console passwords: a PIN is short, so
 * the slow hash and the lockout are what protect it.
 */
const ARGON2_OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;
const DEFAULT_TTL_MS = 30_000;
const DEFAULT_LOCKOUT = { maxFailures: 5, windowMs: 15 * 60_000 };
const MAX_TRACKED_EXTENSIONS = 1000;

/**
 * The switchboard directory: lookups by name, area, alias, position or extension with speech and spelling errors
 * tolerated (served from memory: no database round trip per lookup), the console's and CSV's edits (each audited),
 * and the PIN check of staff who ask the desk for outbound calls.
 *
 * The in-memory copy is replaced after every change made through this instance, and reloaded in the background when
 * older than `cacheTtlMs`, so changes made on another instance are seen within that time.
 */
export class DirectoryService {
  private readonly repo: DirectoryRepository;
  private readonly audit: AuditRepository;
  private readonly clock: DirectoryClock;
  private readonly logger: DirectoryLogger | undefined;
  private readonly ttlMs: number;
  private readonly defaultSipHost: string | null;
  private readonly lockout: { maxFailures: number; windowMs: number };
  private snapshot: { index: DirectoryIndex; loadedAt: number } | null = null;
  private loading: Promise<DirectoryIndex> | null = null;
  /** Bumped by every change: a reload that started before it must not install what it read. */
  private generation = 0;
  private readonly pinFailures = new Map<string, { count: number; since: number; lockedUntil: number }>();
  private dummyHash: Promise<string> | null = null;

  constructor(options: DirectoryServiceOptions) {
    if (!options?.repo) throw new Error('DirectoryService: repository is required');
    if (!options.audit) throw new Error('DirectoryService: audit repository is required');
    if (!options.clock) throw new Error('DirectoryService: clock is required');
    this.repo = options.repo;
    this.audit = options.audit;
    this.clock = options.clock;
    this.logger = options.logger;
    this.ttlMs = options.cacheTtlMs ?? DEFAULT_TTL_MS;
    this.defaultSipHost = options.defaultSipHost?.trim() || null;
    this.lockout = options.pinLockout ?? DEFAULT_LOCKOUT;
  }

  // --- lookups (from memory) ------------------------------------------------------------------------------

  /**
   * Who the request means, best first: `score` 0..1 (≥ 0.85 confident, 0.6–0.85 confirm, below 0.6 no match; see
   * `LOOKUP_THRESHOLDS` and `lookupOutcome`). Extension digits (typed or said) match the extension exactly.
   */
  async lookup(query: string, opts: { limit?: number } = {}): Promise<DirectoryMatch[]> {
    return (await this.index()).lookup(query.slice(0, 500), opts.limit ?? 5);
  }

  /** The active entry with this extension, or null. */
  async byExtension(extension: string): Promise<DirectoryEntry | null> {
    return (await this.index()).byExtension(extension);
  }

  /** «la Lic. María Pérez Gómez», «el área de Recursos Humanos» (see spoken-name.ts). */
  spokenName(entry: Pick<DirectoryEntry, 'kind' | 'name' | 'title' | 'gender'>, options?: SpokenNameOptions): string {
    return spokenName(entry, options);
  }

  /** Forgets the in-memory directory: the next lookup reads it again. */
  invalidate(): void {
    this.generation++;
    this.snapshot = null;
    this.loading = null;
  }

  // --- console reads ------------------------------------------------------------------------------------

  async get(id: string): Promise<DirectoryEntry | null> {
    const row = await this.repo.get(id);
    return row ? this.toEntry(row) : null;
  }

  /**
   * Entries for the console, areas first then by name. With `q`, those whose name, alias, area, position, e-mail or
   * extension contains it (accents and case aside), then those a lookup finds (misspellings), best first.
   */
  async list(opts: { q?: string; kind?: DirectoryKind; includeInactive?: boolean } = {}): Promise<DirectoryEntry[]> {
    const rows = await this.repo.list({ includeInactive: opts.includeInactive ?? false });
    let entries = rows.map((r) => this.toEntry(r)).filter((e) => !opts.kind || e.kind === opts.kind);
    const q = opts.q?.trim();
    if (!q) return entries;
    const needle = foldWord(q);
    const contains = (e: DirectoryEntry): boolean =>
      [e.name, ...e.aliases, e.area, e.position, e.email, e.extension].some((t) => t && foldWord(t).includes(needle));
    const direct = entries.filter(contains);
    const seen = new Set(direct.map((e) => e.id));
    const fuzzy = new DirectoryIndex(entries.map((e) => ({ ...e, active: true })))
      .lookup(q, 50)
      .filter((m) => m.score >= 0.6 && !seen.has(m.entry.id))
      .map((m) => m.entry.id);
    const byId = new Map(entries.map((e) => [e.id, e]));
    entries = [...direct, ...fuzzy.map((id) => byId.get(id)).filter((e): e is DirectoryEntry => e !== undefined)];
    return entries;
  }

  /** The active directory as a CSV file (see directory-csv.ts; PINs are never written). */
  async exportCsv(): Promise<string> {
    return writeDirectoryCsv((await this.repo.list()).map((r) => this.toEntry(r)));
  }

  // --- changes (audited) --------------------------------------------------------------------------------

  async create(actor: string, input: unknown): Promise<DirectoryEntry> {
    const data = parseDirectoryInput(input, 'create');
    const values: DirectoryValues = {
      kind: data.kind as DirectoryKind,
      name: data.name as string,
      ...inputToValues(data),
      outboundPinHash: data.pin ? await argon2.hash(data.pin, ARGON2_OPTIONS) : null,
    };
    const { created } = await this.repo.change((current) => {
      this.refuse(conflicts(values, null, current));
      return {
        create: [values],
        update: [],
        result: null,
        audit: ({ created: rows }) => rows.map((r) => ({ actor, action: 'directory.entry.create', target: r.id, details: { kind: r.kind, name: r.name, extension: r.extension, pin: r.outboundPinHash !== null } })),
      };
    }, this.clock.now());
    this.invalidate();
    return this.toEntry(created[0] as DirectoryRow);
  }

  /** Changes the fields given (a partial entry); `pin: null` removes the PIN. */
  async update(actor: string, id: string, input: unknown): Promise<DirectoryEntry> {
    const data = parseDirectoryInput(input, 'update');
    const pinHash = data.pin ? await argon2.hash(data.pin, ARGON2_OPTIONS) : data.pin;
    const { updated } = await this.repo.change((current) => {
      const row = current.find((r) => r.id === id);
      if (!row) throw new DirectoryError('directory/not_found', 'Esa entrada no existe en el directorio.');
      const before = rowValues(row);
      const after: DirectoryValues = { ...before, ...inputToValues(data), ...(pinHash !== undefined ? { outboundPinHash: pinHash } : {}) };
      this.refuse(conflicts(after, id, current));
      const fields = changedFields(before, after);
      return {
        create: [],
        update: fields.length > 0 ? [{ id, patch: after }] : [],
        result: null,
        audit: () => (fields.length > 0 ? [{ actor, action: 'directory.entry.update', target: id, details: { name: after.name, fields } }] : []),
      };
    }, this.clock.now());
    this.invalidate();
    const row = updated[0] ?? (await this.repo.get(id));
    if (!row) throw new DirectoryError('directory/not_found', 'Esa entrada no existe en el directorio.');
    return this.toEntry(row);
  }

  /** Takes an entry out of the directory (kept, inactive, for the history of calls and callbacks). */
  async remove(actor: string, id: string): Promise<DirectoryEntry> {
    const { updated } = await this.repo.change((current) => {
      const row = current.find((r) => r.id === id);
      if (!row) throw new DirectoryError('directory/not_found', 'Esa entrada no existe en el directorio.');
      return {
        create: [],
        update: row.active ? [{ id, patch: { active: false } }] : [],
        result: null,
        audit: () => (row.active ? [{ actor, action: 'directory.entry.deactivate', target: id, details: { name: row.name, extension: row.extension } }] : []),
      };
    }, this.clock.now());
    this.invalidate();
    const row = updated[0] ?? (await this.repo.get(id));
    if (!row) throw new DirectoryError('directory/not_found', 'Esa entrada no existe en el directorio.');
    return this.toEntry(row);
  }

  /**
   * Imports a CSV file (see directory-csv.ts). Rows are matched to existing entries by kind and name (accents and case
   * aside): matched rows update, new ones are created; with `replace`, active entries absent from the file are
   * deactivated. All or nothing: when any line has a problem, `errors` lists them all and nothing is changed.
   * `dryRun` only reports what would happen.
   */
  async importCsv(actor: string, csvText: string, opts: { replace?: boolean; dryRun?: boolean } = {}): Promise<ImportResult> {
    const replace = opts.replace ?? false;
    const read = readImport(csvText);
    const inputs = await this.hashPins(read.inputs);
    if (opts.dryRun || read.errors.length > 0) {
      // Every problem at once: those of single lines, and those against the directory (duplicates, missing PINs).
      const plan = planImport(await this.repo.list({ includeInactive: true }), inputs, replace);
      const errors = [...read.errors, ...plan.errors].sort((a, b) => a.line - b.line);
      return errors.length > 0 ? { created: 0, updated: 0, unchanged: 0, deactivated: 0, errors } : { ...plan.counts, errors: [] };
    }
    try {
      const { result } = await this.repo.change((current) => {
        const plan = planImport(current, inputs, replace);
        if (plan.errors.length > 0) throw new DirectoryError('directory/invalid_csv', 'El archivo tiene errores.', plan.errors.map((e) => ({ path: `línea ${e.line}`, message: e.message })));
        return {
          create: plan.create.map((c) => c.values),
          update: plan.update,
          result: plan.counts,
          audit: ({ created }) => [
            ...created.map((r) => ({ actor, action: 'directory.entry.create', target: r.id, details: { kind: r.kind, name: r.name, extension: r.extension, via: 'import' } })),
            ...plan.audit.map((a) => ({ actor, ...a })),
            { actor, action: 'directory.import', target: 'directory', details: { ...plan.counts, replace } },
          ],
        };
      }, this.clock.now());
      return { ...result, errors: [] };
    } catch (err) {
      if (err instanceof DirectoryError && err.code === 'directory/invalid_csv') {
        return { created: 0, updated: 0, unchanged: 0, deactivated: 0, errors: err.problems.map((p) => ({ line: Number(p.path.replace(/\D/g, '')) || 0, message: p.message })) };
      }
      throw err;
    } finally {
      this.invalidate();
    }
  }

  // --- outbound calls -----------------------------------------------------------------------------------

  /**
   * The staff member whose extension and PIN these are, when they may ask for outbound calls; else null. Every
   * attempt is audited; after `maxFailures` wrong PINs in `windowMs` the extension is locked for `windowMs`.
   */
  async verifyOutboundPin(extension: string, pin: string): Promise<DirectoryEntry | null> {
    const ext = extension.replace(/\D/g, '');
    const now = this.clock.now().getTime();
    const failures = this.pinFailures.get(ext);
    if (failures && failures.lockedUntil > now) {
      await this.audit.append({ actor: 'switchboard', action: 'directory.outbound_pin.locked', target: ext, details: {} });
      return null;
    }
    const rows = ext ? await this.repo.activeByExtension(ext) : [];
    const row = rows.find((r) => r.kind === 'person' && r.outboundAllowed && r.outboundPinHash);
    let ok = false;
    if (row?.outboundPinHash && /^\d{4,8}$/.test(pin)) ok = await argon2.verify(row.outboundPinHash, pin);
    // Same work whether or not the extension exists: the time of the answer says nothing.
    else await argon2.verify(await this.fakeHash(), pin.slice(0, 16));
    if (ok && row) {
      this.pinFailures.delete(ext);
      await this.audit.append({ actor: 'switchboard', action: 'directory.outbound_pin.verified', target: row.id, details: { extension: ext, name: row.name } });
      return this.toEntry(row);
    }
    if (this.pinFailures.size > MAX_TRACKED_EXTENSIONS) this.forgetOldFailures(now);
    const entry = failures && now - failures.since <= this.lockout.windowMs ? failures : { count: 0, since: now, lockedUntil: 0 };
    entry.count++;
    if (entry.count >= this.lockout.maxFailures) entry.lockedUntil = now + this.lockout.windowMs;
    this.pinFailures.set(ext, entry);
    await this.audit.append({ actor: 'switchboard', action: 'directory.outbound_pin.rejected', target: ext, details: { failures: entry.count, locked: entry.lockedUntil > now } });
    return null;
  }

  // --- internals ----------------------------------------------------------------------------------------

  /**
   * The PIN hashes of an import's rows: a PIN the entry already has keeps its hash (so importing the same file twice
   * changes nothing); any other is hashed anew.
   */
  private async hashPins(rows: ReadonlyArray<{ line: number; input: DirectoryInput }>): Promise<ImportInput[]> {
    const withPin = rows.filter((r) => r.input.pin);
    const current = withPin.length > 0 ? await this.repo.list({ includeInactive: true }) : [];
    const hashOf = new Map(current.filter((r) => r.outboundPinHash).map((r) => [`${r.kind}\u0000${foldWord(r.name)}`, r.outboundPinHash as string]));
    return Promise.all(
      rows.map(async (r) => {
        const pin = r.input.pin;
        if (!pin) return { ...r, pinHash: undefined };
        const existing = hashOf.get(`${r.input.kind ?? ''}\u0000${foldWord(r.input.name ?? '')}`);
        if (existing && (await argon2.verify(existing, pin))) return { ...r, pinHash: existing };
        return { ...r, pinHash: await argon2.hash(pin, ARGON2_OPTIONS) };
      }),
    );
  }

  /** Drops the failure counts that no longer lock anything (callers trying many extensions must not grow the map). */
  private forgetOldFailures(now: number): void {
    for (const [ext, f] of this.pinFailures) {
      if (f.lockedUntil <= now && now - f.since > this.lockout.windowMs) this.pinFailures.delete(ext);
    }
  }

  private refuse(problems: ReturnType<typeof conflicts>): void {
    const first = problems[0];
    if (!first) return;
    throw new DirectoryError(first.code, problems.map((p) => p.message).join(' '), problems.map(({ path, message }) => ({ path, message })));
  }

  private fakeHash(): Promise<string> {
    this.dummyHash ??= argon2.hash('no-such-pin', ARGON2_OPTIONS);
    return this.dummyHash;
  }

  private async index(): Promise<DirectoryIndex> {
    if (this.snapshot) {
      if (this.clock.now().getTime() - this.snapshot.loadedAt >= this.ttlMs && !this.loading) {
        this.reload().catch((err: unknown) => this.logger?.warn({ err }, 'directory reload failed; serving the previous copy'));
      }
      return this.snapshot.index;
    }
    return this.reload();
  }

  private reload(): Promise<DirectoryIndex> {
    if (this.loading) return this.loading;
    const generation = this.generation;
    const loading = (async () => {
      const rows = await this.repo.list();
      const index = new DirectoryIndex(rows.map((r) => this.toEntry(r)));
      if (generation === this.generation) this.snapshot = { index, loadedAt: this.clock.now().getTime() };
      return index;
    })();
    this.loading = loading;
    const clear = (): void => {
      if (this.loading === loading) this.loading = null;
    };
    loading.then(clear, clear);
    return loading;
  }

  private toEntry(row: DirectoryRow): DirectoryEntry {
    let route: VoiceRoute | null = null;
    if (row.routeKind === 'sip' && row.routeAddress) route = { kind: 'sip', uri: row.routeAddress };
    else if (row.routeKind === 'pstn' && row.routeAddress) route = row.sendDigits ? { kind: 'pstn', number: row.routeAddress, sendDigits: row.sendDigits } : { kind: 'pstn', number: row.routeAddress };
    else if (row.extension && this.defaultSipHost) route = { kind: 'sip', uri: `sip:${row.extension}@${this.defaultSipHost}` };
    return {
      id: row.id,
      kind: row.kind,
      name: row.name,
      title: row.title,
      gender: row.gender === 'f' || row.gender === 'm' ? row.gender : null,
      area: row.area,
      position: row.position,
      aliases: row.aliases,
      extension: row.extension,
      phone: row.phone,
      email: row.email,
      availability: row.availability,
      availabilityNote: row.availabilityNote,
      route,
      outboundAllowed: row.outboundAllowed,
      hasPin: row.outboundPinHash !== null,
      active: row.active,
      updatedAt: row.updatedAt,
    };
  }
}
