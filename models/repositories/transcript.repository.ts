import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db';
import type { LineRow } from './quality.repository';

/** A conversation's own row, as the coordinator's transcript page names it. */
export interface TranscriptConversationRow {
  id: string;
  channel: string;
  createdAt: Date;
}

/** A file the person attached to a message (the e-mail channel links it to the console's download route). */
export interface LineAttachmentRow {
  name: string;
  contentType: string;
  contentUrl: string;
}

/** A transcript message (classified as the quality review classifies it) with the files it carried. */
export interface TranscriptLineRow extends LineRow {
  attachments: LineAttachmentRow[];
}

async function rowsOf<T>(db: Pick<Db, 'execute'>, query: SQL): Promise<T[]> {
  const result: unknown = await db.execute(query);
  const rows = (result as { rows?: unknown }).rows;
  if (!Array.isArray(rows)) throw new Error('TranscriptRepository: the driver answered without rows');
  return rows as T[];
}

/** The files of a recorded activity the console may link to: only those served by the console's download route. */
function attachmentsOf(value: unknown): LineAttachmentRow[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((item: unknown) => {
    const a = (item ?? {}) as { name?: unknown; contentType?: unknown; contentUrl?: unknown };
    if (typeof a.contentUrl !== 'string' || !/^\/api\/attachments\/[\w-]{1,80}$/.test(a.contentUrl)) return [];
    return [{ name: typeof a.name === 'string' ? a.name : '', contentType: typeof a.contentType === 'string' ? a.contentType : '', contentUrl: a.contentUrl }];
  });
}

/**
 * The reads of one conversation's transcript for the coordination: the conversation's row, its messages (the same
 * classification as the quality review's `facts()`: person, bot, agent, system) with their attachments, and the
 * numbers of the tickets it registered. Read-only.
 */
export class TranscriptRepository {
  constructor(private readonly db: Db) {
    if (!db) throw new Error('TranscriptRepository: db is required');
  }

  /** The conversation `id`, or null when there is none. */
  async conversation(id: string): Promise<TranscriptConversationRow | null> {
    const [row] = await rowsOf<Record<string, unknown>>(this.db, sql`select id, channel, created_at from conversations where id = ${id}`);
    return row ? { id: String(row.id), channel: String(row.channel), createdAt: new Date(row.created_at as string) } : null;
  }

  /** The conversation's messages in order: those with text or with a file the console can serve. */
  async lines(id: string): Promise<TranscriptLineRow[]> {
    const rows = await rowsOf<Record<string, unknown>>(this.db, sql`
      select seq, timestamp, direction, text, payload->'channelData'->>'agent' as agent,
        payload->'channelData'->>'automatic' as automatic, payload->'channelData'->>'speakerName' as speaker,
        payload->'attachments' as attachments
      from activities
      where conversation_id = ${id} and type = 'message'
        and (coalesce(text, '') <> '' or jsonb_typeof(payload->'attachments') = 'array')
      order by seq`);
    return rows.flatMap((r) => {
      const text = r.text === null || r.text === undefined ? '' : String(r.text);
      const attachments = attachmentsOf(r.attachments);
      if (text === '' && attachments.length === 0) return [];
      const direction = r.direction === 'in' ? 'in' : 'out';
      const from = direction === 'in' ? 'person' : r.automatic === 'true' ? 'system' : r.agent === 'true' ? 'agent' : 'bot';
      const name = r.speaker === null || r.speaker === undefined ? null : String(r.speaker);
      return [{ conversationId: id, seq: Number(r.seq), at: new Date(r.timestamp as string), direction, from, name, text, attachments }];
    });
  }

  /** The numbers of the tickets the conversation registered, oldest first. */
  async ticketNumbers(id: string): Promise<string[]> {
    const rows = await rowsOf<Record<string, unknown>>(this.db, sql`select number from tickets where conversation_id = ${id} order by created_at, number`);
    return rows.map((r) => String(r.number));
  }
}
