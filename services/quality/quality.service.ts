/**
 * The monthly protocol-quality review (seed 001 stage 2, seed 004 stage 4): draw the month's stratified random sample
 * (seed stored, so it can be drawn again), pre-check each conversation from its transcript and call record, take the
 * reviewers' verdicts, tabulate the non-compliances, send the report to the coordinator (approve or return with
 * comments), and assign corrective actions whose effectiveness the next month's review follows up (quality-actions.ts).
 * Every state change is written to the audit log.
 */
import { randomBytes } from 'node:crypto';
import type { AuditRepository } from '../../models';
import type { QualityItemRow, QualityRepository, QualityReviewRow } from '../../models/repositories/quality.repository';
import { CHECKLIST_KEYS, checklist, isChecklistKey, isVerdict, type PrecheckedKey } from './checklist';
import { DEFAULT_PRECHECK_SETTINGS, agentPrechecks, runPrechecks, type PrecheckResult, type PrecheckSettings } from './prechecks';
import { QualityActions, toActionView, type QualityActor } from './quality-actions';
import { QualityError, type AgentScore, type QualityItemDetail, type QualityItemView, type QualityReviewView } from './quality-types';
import { RecordingUnavailableError, type RecordingRequest, type RecordingSource, type RecordingStream } from './recording-source';
import { reviewReportFileName, reviewWorkbook } from './review-workbook';
import { drawSample } from './sampling';
import { tabulate } from './tabulation';
import { factsOf, itemDetail, monthRange } from './quality-views';

export interface QualityServiceDeps {
  repo: QualityRepository;
  audit: Pick<AuditRepository, 'append'>;
  clock: { now(): Date };
  settings: { timeZone: string; sampleSize: number; prechecks?: Partial<PrecheckSettings> };
  /** Twilio recordings; absent without Twilio (then no item has a playable recording). */
  recordings?: RecordingSource | null;
  /** Where Twilio's failures are logged (the recording proxy). */
  logger?: { warn(obj: object, msg?: string): void };
  /** A new seed when the caller gives none (default: 16 random hex digits). */
  randomSeed?: () => string;
}

export const MAX_SAMPLE_SIZE = 500;
const SEED = /^[A-Za-z0-9_-]{1,64}$/;
const MAX_OBSERVATIONS = 4000;
/** Who sent a review may not decide on it (shown by the page too). */
export const SELF_DECISION = 'Quien envió la revisión no puede aprobarla ni devolverla; debe hacerlo otro coordinador.';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** The quality review. */
export class QualityService {
  /** Corrective actions and their follow-up. */
  readonly actions: QualityActions;
  private readonly precheckSettings: PrecheckSettings;

  constructor(private readonly deps: QualityServiceDeps) {
    for (const k of ['repo', 'audit', 'clock', 'settings'] as const) if (!deps?.[k]) throw new Error(`QualityService: ${k} is required`);
    this.precheckSettings = { ...DEFAULT_PRECHECK_SETTINGS, ...deps.settings.prechecks };
    this.actions = new QualityActions({ repo: deps.repo, audit: deps.audit, clock: deps.clock, timeZone: deps.settings.timeZone });
  }

  /**
   * Each agent's automatic pre-check results over the handoffs they accepted in `[from, to)`: only their part of each
   * (agent-prechecks.ts: their first line and greeting, the waits while it was theirs, the transfers they made, their
   * farewell), never the bot's or another agent's. `conversations`: distinct conversations; results that passed, and
   * that passed or failed («no aplica» is not counted), and the failures by protocol point (`failsByItem`). Facts are read in one statement per kind per thousand
   * conversations.
   */
  async scoreAgents(from: Date, to: Date): Promise<AgentScore[]> {
    const accepted = await this.deps.repo.acceptedIn(from, to);
    const rows = await this.deps.repo.facts([...new Set(accepted.map((a) => a.conversationId))]);
    const scores = new Map<string, AgentScore>();
    const seen = new Set<string>();
    for (const a of accepted) {
      const facts = factsOf(rows, a.conversationId, a.channel);
      const handoff = facts.handoffs.find((h) => h.id === a.handoffId);
      if (!handoff) continue;
      const score = scores.get(a.agentUserId) ?? { agentId: a.agentUserId, name: a.agentName, conversations: 0, checks: 0, passed: 0, failsByItem: {} };
      const checked = agentPrechecks(facts, handoff, this.precheckSettings);
      const results = Object.values(checked);
      for (const [k, r] of Object.entries(checked) as Array<[PrecheckedKey, PrecheckResult]>) if (r.result === 'fail') score.failsByItem[k] = (score.failsByItem[k] ?? 0) + 1;
      const key = `${a.agentUserId}|${a.conversationId}`;
      if (!seen.has(key)) score.conversations += 1;
      seen.add(key);
      score.checks += results.filter((r) => r.result !== 'na').length;
      score.passed += results.filter((r) => r.result === 'pass').length;
      scores.set(a.agentUserId, score);
    }
    return [...scores.values()].sort((a, b) => a.name.localeCompare(b.name, 'es'));
  }

  /** Every review, newest month first. */
  async list(): Promise<Array<{ month: string; status: string; sampleSize: number; items: number; reviewed: number; createdAt: string }>> {
    return (await this.deps.repo.reviews()).map((r) => ({ ...r, createdAt: r.createdAt.toISOString() }));
  }

  /**
   * Draws and stores `month`'s sample (`size` default QUALITY_SAMPLE_SIZE, `seed` default random) with each item's
   * pre-checks. 409 when the month has a review or nobody wrote in it; 400 for a bad month, size or seed, or a month
   * that has not ended yet.
   */
  async create(actor: string, input: { month?: unknown; size?: unknown; seed?: unknown }): Promise<QualityReviewView> {
    const range = monthRange(input.month, this.deps.settings.timeZone);
    // Sampling an unfinished month would leave out its last days (seed 001: the review follows the closed month).
    if (range.to.getTime() > this.deps.clock.now().getTime()) throw new QualityError('quality/invalid_input', 'Solo se puede extraer la muestra de un mes ya cerrado.');
    const size = input.size ?? this.deps.settings.sampleSize;
    if (typeof size !== 'number' || !Number.isInteger(size) || size < 1 || size > MAX_SAMPLE_SIZE) {
      throw new QualityError('quality/invalid_input', `El tamaño de la muestra debe ser un número entero entre 1 y ${MAX_SAMPLE_SIZE}.`);
    }
    if (input.seed !== undefined && input.seed !== null && (typeof input.seed !== 'string' || !SEED.test(input.seed))) {
      throw new QualityError('quality/invalid_input', 'La semilla debe tener de 1 a 64 letras, dígitos, «-» o «_».');
    }
    const seed = typeof input.seed === 'string' ? input.seed : (this.deps.randomSeed ?? (() => randomBytes(8).toString('hex')))();
    if (await this.deps.repo.review(range.month)) throw new QualityError('quality/exists', `El mes ${range.month} ya tiene su revisión de calidad.`);
    const population = await this.deps.repo.population(range.from, range.to);
    if (population.length === 0) throw new QualityError('quality/empty', `En ${range.month} no se recibieron conversaciones: no hay qué revisar.`);
    const draw = drawSample(population, size, seed);
    const rows = await this.deps.repo.facts(draw.members.map((m) => m.id));
    const created = await this.deps.repo.createReview(
      {
        month: range.month,
        seed,
        sampleSize: size,
        strata: draw.strata.map((s) => ({ channel: s.channel, agentUserId: s.agentUserId, population: s.population, drawn: s.drawn })),
        createdBy: actor,
        createdAt: this.deps.clock.now(),
      },
      draw.members.map((m, i) => ({
        position: i + 1,
        conversationId: m.id,
        channel: m.channel,
        agentUserId: m.agentUserId,
        callId: rows.calls.get(m.id)?.id ?? null,
        stratum: `${m.channel}|${m.agentUserId ?? '-'}`,
        prechecks: runPrechecks(factsOf(rows, m.id, m.channel), this.precheckSettings),
      })),
    );
    if (!created) throw new QualityError('quality/exists', `El mes ${range.month} ya tiene su revisión de calidad.`);
    await this.deps.audit.append({ actor, action: 'quality.review.created', target: range.month, details: { seed, size, drawn: draw.members.length, population: population.length } });
    return this.detail(range.month);
  }

  /**
   * Draws `month`'s sample with the default size and a random seed unless the month has its review already or nobody
   * wrote in it (the monthly report scheduler calls this once the month's report is stored). True when it drew it.
   */
  async drawIfMissing(month: string, actor: string): Promise<boolean> {
    if (await this.deps.repo.review(month)) return false;
    try {
      await this.create(actor, { month });
      return true;
    } catch (err) {
      if (err instanceof QualityError && (err.code === 'quality/exists' || err.code === 'quality/empty')) return false;
      throw err;
    }
  }

  /** The review of `month` with its items, tabulation, actions and the previous month's actions to follow up. */
  async detail(month: unknown): Promise<QualityReviewView> {
    const review = await this.reviewOf(month);
    const items = await this.itemViews(review);
    const [y, m] = review.month.split('-').map(Number) as [number, number];
    const previous = m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
    const before = await this.deps.repo.review(previous);
    const today = this.actions.today();
    return {
      month: review.month,
      seed: review.seed,
      sampleSize: review.sampleSize,
      status: review.status,
      strata: await this.strataView(review.strata),
      createdBy: review.createdBy,
      createdAt: review.createdAt.toISOString(),
      submittedBy: review.submittedBy,
      submittedAt: iso(review.submittedAt),
      decidedBy: review.decidedBy,
      decidedAt: iso(review.decidedAt),
      coordinatorComments: review.coordinatorComments,
      history: review.history,
      checklist: checklist(),
      items,
      tabulation: tabulate(items),
      actions: (await this.deps.repo.actions({ reviewId: review.id })).map((a) => toActionView(a, today)),
      followUps: before ? (await this.deps.repo.actions({ reviewId: before.id })).map((a) => toActionView(a, today)) : [],
    };
  }

  /**
   * The review's report as an XLSX workbook (review-workbook.ts: «Resumen», «Tabulado», «Elementos», «Acciones»), in
   * any status: what the coordination forwards to the head of the centre. 404 when the month has no review.
   */
  async report(month: unknown): Promise<{ fileName: string; xlsx: Buffer }> {
    const view = await this.detail(month);
    return { fileName: reviewReportFileName(view.month), xlsx: await reviewWorkbook(view, this.deps.settings.timeZone, this.deps.clock.now()) };
  }

  /** One item with its transcript, call and what the script collected. */
  async item(month: unknown, id: unknown): Promise<QualityItemDetail> {
    const review = await this.reviewOf(month);
    const row = await this.itemRow(review, id);
    const [view] = await this.itemViews(review, [row]);
    return itemDetail(view as QualityItemView, await this.deps.repo.facts([row.conversationId]), Boolean(this.deps.recordings));
  }

  /**
   * Records the reviewer's verdicts (and observations, when given) on an item; 409 unless the review is in review or
   * returned. Only the points sent change: the repository merges them in the database, so two reviewers saving
   * different points of the same item at once both keep theirs.
   */
  async review(actor: string, month: unknown, id: unknown, body: { verdicts?: unknown; observations?: unknown }): Promise<QualityItemView> {
    const review = await this.reviewOf(month);
    const row = await this.itemRow(review, id);
    if (typeof body.verdicts !== 'object' || body.verdicts === null || Array.isArray(body.verdicts)) {
      throw new QualityError('quality/invalid_input', 'Indique los veredictos como un objeto { punto: "pass" | "fail" | "na" }.');
    }
    const patch: Record<string, string> = {};
    for (const [key, value] of Object.entries(body.verdicts as Record<string, unknown>)) {
      if (!isChecklistKey(key)) throw new QualityError('quality/invalid_input', `«${key.slice(0, 40)}» no es un punto de la lista de verificación.`);
      if (!isVerdict(value)) throw new QualityError('quality/invalid_input', `El veredicto de «${key}» debe ser pass (cumple), fail (no cumple) o na (no aplica).`);
      patch[key] = value;
    }
    if (body.observations !== undefined && body.observations !== null && (typeof body.observations !== 'string' || body.observations.length > MAX_OBSERVATIONS)) {
      throw new QualityError('quality/invalid_input', `Las observaciones deben ser texto de hasta ${MAX_OBSERVATIONS} caracteres.`);
    }
    const observations = typeof body.observations === 'string' ? body.observations.trim() || null : body.observations === null ? null : undefined;
    const saved = await this.deps.repo.saveVerdicts(review.id, row.id, { patch, observations, reviewedBy: actor, reviewedAt: this.deps.clock.now() });
    if (!saved) throw new QualityError('quality/wrong_status', 'La revisión ya se envió a la coordinación: no se puede modificar.');
    await this.deps.audit.append({ actor, action: 'quality.item.reviewed', target: `${review.month}#${row.position}`, details: { itemId: row.id, verdicts: patch } });
    return (await this.itemViews(review, [saved]))[0] as QualityItemView;
  }

  /**
   * Sends the review to the coordinator: every item needs a verdict on every checklist point (400 listing the gaps).
   * The check, the tabulation and the status change happen with the review locked (QualityRepository.submitReview),
   * so no verdict saved meanwhile is left out of the stored summary.
   */
  async submit(actor: string, month: unknown): Promise<QualityReviewView> {
    const current = await this.reviewOf(month);
    // Names and recordings are read before the lock: the transaction may not read through other connections.
    const known = await this.itemViews(current);
    const now = this.deps.clock.now();
    let compliance = 0;
    const moved = await this.deps.repo.submitReview(current.month, (review, rows) => {
      if (review.status !== 'in_review' && review.status !== 'returned') throw new QualityError('quality/wrong_status', 'Solo se envía una revisión en curso o devuelta.');
      const byId = new Map(known.map((v) => [v.id, v]));
      const items = rows.map((r) => ({ ...(byId.get(r.id) as QualityItemView), verdicts: r.verdicts, observations: r.observations }));
      const problems = items.flatMap((i) => {
        const missing = CHECKLIST_KEYS.filter((k) => !isVerdict(i.verdicts[k]));
        return missing.length > 0 ? [{ path: `item ${i.position}`, message: `Conversación ${i.position}: falta ${missing.join(', ')}.` }] : [];
      });
      if (problems.length > 0) {
        throw new QualityError('quality/incomplete', `Faltan veredictos en ${problems.length} de ${items.length} conversaciones de la muestra.`, problems);
      }
      const summary = tabulate(items);
      compliance = summary.compliance;
      return {
        status: 'submitted',
        submittedBy: actor,
        submittedAt: now,
        summary: summary as unknown as Record<string, unknown>,
        historyEntry: { at: now.toISOString(), by: actor, action: 'submitted', comments: null },
      };
    });
    if (!moved) throw new QualityError('quality/not_found', `El mes ${current.month} no tiene revisión de calidad.`);
    await this.deps.audit.append({ actor, action: 'quality.review.submitted', target: current.month, details: { compliance } });
    return this.detail(current.month);
  }

  /**
   * The coordinator's decision on a submitted review: approve (comments optional) or return (comments required).
   * 409 when `actor` is who submitted it: another coordinator decides.
   */
  async decide(actor: string, month: unknown, decision: 'approved' | 'returned', comments: unknown): Promise<QualityReviewView> {
    const review = await this.reviewOf(month);
    const text = typeof comments === 'string' ? comments.trim() : '';
    if ((comments !== undefined && comments !== null && typeof comments !== 'string') || text.length > MAX_OBSERVATIONS) {
      throw new QualityError('quality/invalid_input', `Los comentarios deben ser texto de hasta ${MAX_OBSERVATIONS} caracteres.`);
    }
    if (decision === 'returned' && text === '') throw new QualityError('quality/invalid_input', 'Para devolver la revisión escriba qué hay que corregir.');
    // Separation of duties (seed 001 stage 2: the technician prepares the review, the head checks it).
    if (review.status === 'submitted' && review.submittedBy === actor) throw new QualityError('quality/wrong_status', SELF_DECISION);
    const now = this.deps.clock.now();
    const moved = await this.deps.repo.transition(review.month, ['submitted'], {
      status: decision,
      decidedBy: actor,
      decidedAt: now,
      coordinatorComments: text || null,
      historyEntry: { at: now.toISOString(), by: actor, action: decision === 'approved' ? 'approved' : 'returned', comments: text || null },
      notSubmittedBy: actor,
    });
    if (!moved) throw new QualityError('quality/wrong_status', 'Solo se aprueba o devuelve una revisión enviada a la coordinación.');
    await this.deps.audit.append({ actor, action: `quality.review.${decision}`, target: review.month, details: { comments: text || null } });
    return this.detail(review.month);
  }

  /** Adds a corrective action to a submitted or approved review (see {@link QualityActions.create}). */
  async addAction(actor: QualityActor, month: unknown, body: Record<string, unknown>) {
    const review = await this.reviewOf(month);
    return this.actions.create(actor, review, body);
  }

  /**
   * The item's call recording, streamed from Twilio (the part asked for with `range`; `signal` aborts when the reviewer
   * left). 404 when it has none or Twilio has none, 416 for a range outside it, 502 (logged, without credentials) when
   * Twilio failed or did not answer in time.
   */
  async recording(month: unknown, id: unknown, request: RecordingRequest = {}): Promise<RecordingStream> {
    const review = await this.reviewOf(month);
    const row = await this.itemRow(review, id);
    const call = (await this.deps.repo.facts([row.conversationId])).calls.get(row.conversationId);
    if (!call || !this.deps.recordings || (!call.recordingUrl && !call.recordingSid)) throw new QualityError('quality/not_found', 'Esta conversación no tiene grabación de la llamada.');
    let stream: RecordingStream | null;
    try {
      stream = await this.deps.recordings.open({ url: call.recordingUrl, sid: call.recordingSid }, request);
    } catch (err) {
      if (err instanceof RecordingUnavailableError && err.status === 416) throw new QualityError('quality/bad_range', 'La parte pedida de la grabación no existe.');
      // The reviewer left before Twilio answered: nothing to log, and nobody reads the answer.
      if (request.signal?.aborted) throw new QualityError('quality/recording_unavailable', 'Se canceló la descarga de la grabación.');
      this.deps.logger?.warn({ callId: call.id, upstreamStatus: err instanceof RecordingUnavailableError ? err.status : null, reason: err instanceof Error ? err.message : String(err) }, 'quality: Twilio recording unavailable');
      throw new QualityError('quality/recording_unavailable', 'No se pudo obtener la grabación desde Twilio; intente más tarde.');
    }
    if (!stream) throw new QualityError('quality/not_found', 'La grabación no está disponible.');
    return stream;
  }

  /** The stored strata with each agent's name (`agentName`, null for the bot alone). */
  private async strataView(strata: Array<Record<string, unknown>>): Promise<Array<Record<string, unknown>>> {
    const ids = strata.flatMap((s) => (typeof s.agentUserId === 'string' ? [s.agentUserId] : []));
    const names = await this.deps.repo.userNames([...new Set(ids)]);
    return strata.map((s) => ({ ...s, agentName: typeof s.agentUserId === 'string' ? (names.get(s.agentUserId) ?? null) : null }));
  }

  private async reviewOf(month: unknown): Promise<QualityReviewRow> {
    const range = monthRange(month, this.deps.settings.timeZone);
    const review = await this.deps.repo.review(range.month);
    if (!review) throw new QualityError('quality/not_found', `El mes ${range.month} no tiene revisión de calidad.`);
    return review;
  }

  private async itemRow(review: QualityReviewRow, id: unknown): Promise<QualityItemRow> {
    const ok = typeof id === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);
    const row = ok ? await this.deps.repo.item(review.id, id) : null;
    if (!row) throw new QualityError('quality/not_found', 'Esa conversación no está en la muestra del mes.');
    return row;
  }

  private async itemViews(review: QualityReviewRow, given?: QualityItemRow[]): Promise<QualityItemView[]> {
    const rows = given ?? (await this.deps.repo.items(review.id));
    const names = await this.deps.repo.userNames([...new Set(rows.flatMap((r) => (r.agentUserId ? [r.agentUserId] : [])))]);
    const recorded = this.deps.recordings ? await this.deps.repo.recordedCalls(rows.flatMap((r) => (r.callId ? [r.callId] : []))) : new Set<string>();
    return rows.map((r) => ({
      id: r.id,
      position: r.position,
      conversationId: r.conversationId,
      channel: r.channel,
      agent: r.agentUserId ? { id: r.agentUserId, name: names.get(r.agentUserId) ?? r.agentUserId } : null,
      stratum: r.stratum,
      callId: r.callId,
      hasRecording: r.callId !== null && recorded.has(r.callId),
      prechecks: r.prechecks as QualityItemView['prechecks'],
      verdicts: r.verdicts,
      observations: r.observations,
      reviewedBy: r.reviewedBy,
      reviewedAt: iso(r.reviewedAt),
    }));
  }
}
