import { randomBytes } from 'node:crypto';
import type { ConversationRepository, ConversationRow, NewActivity, StoredActivity } from '../../models';

/** An activity as JSON (the Bot Framework Activity schema), without botbuilder types. */
export type ActivityJson = Record<string, unknown> & { type: string };

export interface RecordedActivity {
  seq: number;
  /** The activity with its transcript id, as clients receive it. */
  activity: ActivityJson;
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A random, URL-safe identifier (`length` base-62 characters from the CSPRNG). */
export function randomId(length = 22): string {
  const bytes = randomBytes(length * 2);
  let out = '';
  for (let i = 0; i < bytes.length && out.length < length; i++) {
    const b = bytes[i] as number;
    if (b < 248) out += ALPHABET[b % 62];
  }
  return out.length === length ? out : randomId(length);
}

/**
 * Conversations and their transcript, for every channel. Each recorded activity gets the next
 * sequence number of its conversation (the Direct Line watermark) and the id `<conversation>|<seq>`.
 */
export class ConversationService {
  constructor(private readonly repo: ConversationRepository) {
    if (!repo) throw new Error('ConversationService: repository is required');
  }

  /** A new conversation on a channel where we mint the id (web chat / Direct Line). */
  async create(channel: string, userId: string | null): Promise<ConversationRow> {
    const id = randomId();
    return this.repo.create({ id, channel, externalId: id, userId });
  }

  /** The conversation a provider knows as `externalId`, created on first sight. */
  async ensure(channel: string, externalId: string, userId: string | null): Promise<ConversationRow> {
    return this.repo.ensure({ id: randomId(), channel, externalId, userId });
  }

  get(id: string): Promise<ConversationRow | null> {
    return this.repo.findById(id);
  }

  /** True for the first caller only. */
  markJoined(id: string): Promise<boolean> {
    return this.repo.markJoined(id);
  }

  /**
   * Records an activity. Returns `duplicate: true` (and the earlier record) when the same
   * `channelData.clientActivityID` was already recorded in this conversation.
   */
  async record(
    conversationId: string,
    direction: 'in' | 'out',
    activity: ActivityJson,
  ): Promise<RecordedActivity & { duplicate: boolean }> {
    const row = toRow(direction, activity);
    const appended = await this.repo.append(conversationId, row);
    if (appended === null) {
      const earlier = row.clientActivityId ? await this.repo.findByClientActivityId(conversationId, row.clientActivityId) : null;
      if (!earlier) throw new Error('ConversationService.record(): duplicate reported but not found');
      return { ...toRecorded(earlier), duplicate: true };
    }
    return { seq: appended.seq, activity: { ...activity, id: appended.activityId }, duplicate: false };
  }

  /** Records several activities of one turn, in order, in one round trip (outbound replies). */
  async recordMany(conversationId: string, direction: 'in' | 'out', list: ActivityJson[]): Promise<RecordedActivity[]> {
    const appended = await this.repo.appendMany(conversationId, list.map((a) => toRow(direction, a)));
    return appended.map((r, i) => ({ seq: r.seq, activity: { ...(list[i] as ActivityJson), id: r.activityId } }));
  }

  /** Hides what a recorded activity said (a secret keyed in: a PIN); the line stays, with `replacement` as its text. */
  redactText(conversationId: string, activityId: string, replacement = '••••'): Promise<boolean> {
    return this.repo.redactText(conversationId, activityId, replacement);
  }

  /** Activities after `watermark`, oldest first. */
  async since(conversationId: string, watermark: number, limit?: number): Promise<RecordedActivity[]> {
    const rows = await this.repo.since(conversationId, watermark, limit);
    return rows.map(toRecorded);
  }
}

function toRow(direction: 'in' | 'out', activity: ActivityJson): NewActivity {
  const { id: _ignored, ...payload } = activity;
  const timestamp = typeof activity.timestamp === 'string' ? new Date(activity.timestamp) : new Date();
  const from = activity.from as { id?: unknown } | undefined;
  const recipient = activity.recipient as { id?: unknown } | undefined;
  return {
    direction,
    channel: typeof activity.channelId === 'string' ? activity.channelId : 'unknown',
    type: activity.type,
    fromId: typeof from?.id === 'string' ? from.id : null,
    recipientId: typeof recipient?.id === 'string' ? recipient.id : null,
    clientActivityId: clientActivityIdOf(activity),
    text: typeof activity.text === 'string' ? activity.text : null,
    timestamp: Number.isNaN(timestamp.getTime()) ? new Date() : timestamp,
    payload,
  };
}

function toRecorded(row: StoredActivity): RecordedActivity {
  return { seq: row.seq, activity: { ...(row.payload as ActivityJson), id: row.activityId } };
}

function clientActivityIdOf(activity: ActivityJson): string | null {
  const cd = activity.channelData;
  if (cd && typeof cd === 'object' && 'clientActivityID' in cd) {
    const v = (cd as { clientActivityID?: unknown }).clientActivityID;
    if (typeof v === 'string' && v.length > 0 && v.length <= 200) return v;
  }
  return null;
}
