import type { Db } from '../db';
import { outbox } from '../schema';

export type OutboxRow = typeof outbox.$inferSelect;

/** A message to deliver later: `kind` picks the transport, `payload` is what the transport needs. */
export interface NewOutboxMessage {
  kind: OutboxRow['kind'];
  payload: Record<string, unknown>;
  /** Same key twice → one message. */
  dedupeKey?: string | null;
}

/** Writes messages into the outbox with the caller's transaction (or connection); repeated dedupe keys are skipped. */
export async function insertOutboxMessages(tx: Pick<Db, 'insert'>, messages: readonly NewOutboxMessage[], now: Date): Promise<void> {
  if (messages.length === 0) return;
  await tx
    .insert(outbox)
    .values(messages.map((m) => ({ kind: m.kind, payload: m.payload, dedupeKey: m.dedupeKey ?? null, createdAt: now, nextAttemptAt: now })))
    .onConflictDoNothing();
}
