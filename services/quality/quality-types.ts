/**
 * The quality review's API shapes (what the console reads) and its domain error. Kept apart from the service so the
 * routes and the console's weekly summary import only types.
 */
import type { ChecklistItem, PrecheckedKey } from './checklist';
import type { PrecheckResult } from './prechecks';
import type { Tabulation } from './tabulation';

export type QualityErrorCode =
  | 'quality/invalid_input'
  | 'quality/not_found'
  | 'quality/exists'
  | 'quality/empty'
  | 'quality/wrong_status'
  | 'quality/incomplete'
  | 'quality/forbidden'
  | 'quality/recording_unavailable'
  | 'quality/bad_range';

/** A quality operation refused; `message` is Spanish, for the person. */
export class QualityError extends Error {
  constructor(
    readonly code: QualityErrorCode,
    message: string,
    /** For `quality/incomplete`: what is missing, `{ path: 'item 3', message }`. */
    readonly problems: ReadonlyArray<{ path: string; message: string }> = [],
  ) {
    super(message);
    this.name = 'QualityError';
  }
}

/** A console user named in a review. */
export interface NamedUser {
  id: string;
  name: string;
}

/** One sampled conversation as the review page shows it. */
export interface QualityItemView {
  id: string;
  position: number;
  conversationId: string;
  channel: string;
  agent: NamedUser | null;
  stratum: string;
  callId: string | null;
  hasRecording: boolean;
  prechecks: Record<string, PrecheckResult>;
  verdicts: Record<string, string>;
  observations: string | null;
  reviewedBy: string | null;
  reviewedAt: string | null;
}

/** A corrective action. */
export interface CorrectiveActionView {
  id: string;
  reviewMonth: string;
  agent: NamedUser | null;
  item: string;
  itemLabel: string;
  description: string;
  dueDate: string;
  status: string;
  createdBy: string;
  createdAt: string;
  doneAt: string | null;
  doneNote: string | null;
  followUpMonth: string | null;
  followUpNote: string | null;
  followUpBy: string | null;
  followUpAt: string | null;
  /** Still open after its due date (desk's calendar). */
  overdue: boolean;
}

/** A month's review with its items, tabulation and corrective actions. */
export interface QualityReviewView {
  month: string;
  seed: string;
  sampleSize: number;
  status: string;
  strata: Array<Record<string, unknown>>;
  createdBy: string;
  createdAt: string;
  submittedBy: string | null;
  submittedAt: string | null;
  decidedBy: string | null;
  decidedAt: string | null;
  coordinatorComments: string | null;
  history: Array<Record<string, unknown>>;
  checklist: ChecklistItem[];
  items: QualityItemView[];
  tabulation: Tabulation;
  actions: CorrectiveActionView[];
  followUps: CorrectiveActionView[];
}

/** A transcript line for the reviewer. `automatic`: a hold or position message the system sent (shown as the bot's). */
export interface ReviewTranscriptLine {
  seq: number;
  at: string;
  direction: 'in' | 'out';
  from: 'person' | 'bot' | 'agent';
  name?: string;
  automatic?: boolean;
  text: string;
}

/** One item with what the reviewer reads beside the checklist. */
export interface QualityItemDetail extends QualityItemView {
  transcript: ReviewTranscriptLine[];
  call: { id: string; startedAt: string; answeredAt: string | null; durationSeconds: number | null; transfers: Array<Record<string, unknown>>; hasRecording: boolean } | null;
  attention: {
    outcomes: string[];
    request: string | null;
    person: Record<string, string | null>;
    handoffs: Array<{ group: string; queuedAt: string; acceptedAt: string | null; closedAt: string | null; closeReason: string | null; agent: string | null; transferNote: string | null }>;
  };
}

/** An agent's automatic pre-check score of a period (the weekly summary). */
export interface AgentScore {
  agentId: string;
  name: string;
  /** Conversations the agent accepted in the period. */
  conversations: number;
  /** The agent's own parts of the pre-checks (agent-prechecks.ts) that passed or failed (not «no aplica»), and those that passed. */
  checks: number;
  passed: number;
  /** Of those, the ones that failed, by protocol point (points without a failure are absent). */
  failsByItem: Partial<Record<PrecheckedKey, number>>;
}
