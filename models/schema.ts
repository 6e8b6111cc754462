import { sql } from 'drizzle-orm';
import {
  bigserial,
  boolean,
  check,
  customType,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

/**
 * A conversation on any channel. `id` is ours; (channel, external_id) is the provider's identity.
 * `last_seq` numbers the transcript: each activity gets the next value, which is also the
 * Direct Line watermark.
 */
export const conversations = pgTable(
  'conversations',
  {
    id: text('id').primaryKey(),
    channel: text('channel').notNull(),
    externalId: text('external_id').notNull(),
    userId: text('user_id'),
    lastSeq: integer('last_seq').notNull().default(0),
    joinedAt: timestamp('joined_at', { withTimezone: true }),
    /**
     * When the person first wrote or spoke (the timestamp of their first inbound message); null = they never did, so
     * no request was received. Set by the transcript's append statement; the reports count received conversations by
     * it instead of probing the transcript.
     */
    personWroteAt: timestamp('person_wrote_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('conversations_channel_external_uq').on(t.channel, t.externalId),
    index('conversations_created_idx').on(t.createdAt),
    index('conversations_channel_user_idx').on(t.channel, t.userId),
  ],
);

/** The transcript: every inbound and outbound activity, in order. */
export const activities = pgTable(
  'activities',
  {
    pk: bigserial('pk', { mode: 'number' }).primaryKey(),
    conversationId: text('conversation_id')
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    seq: integer('seq').notNull(),
    activityId: text('activity_id').notNull(),
    direction: text('direction', { enum: ['in', 'out'] }).notNull(),
    channel: text('channel').notNull(),
    type: text('type').notNull(),
    fromId: text('from_id'),
    recipientId: text('recipient_id'),
    clientActivityId: text('client_activity_id'),
    text: text('text'),
    timestamp: timestamp('timestamp', { withTimezone: true, mode: 'date' }).notNull(),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
  },
  (t) => [
    uniqueIndex('activities_conversation_seq_uq').on(t.conversationId, t.seq),
    uniqueIndex('activities_client_id_uq')
      .on(t.conversationId, t.clientActivityId)
      .where(sql`${t.clientActivityId} is not null`),
    index('activities_timestamp_idx').on(t.timestamp),
    // The reports' «did the person write at all» check, answered from the index alone.
    index('activities_inbound_message_idx').on(t.conversationId).where(sql`${t.direction} = 'in' and ${t.type} = 'message'`),
    check('activities_direction_ck', sql`${t.direction} in ('in', 'out')`),
  ],
);

/** botbuilder Storage items, with an eTag for optimistic concurrency. */
export const botState = pgTable('bot_state', {
  key: text('key').primaryKey(),
  data: jsonb('data').$type<Record<string, unknown>>().notNull(),
  etag: text('etag').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

export const USER_ROLES = ['agent', 'resolver', 'coordinator', 'admin'] as const;

/**
 * Console users: agents, resolvers (second-level staff of one resolver group), coordinators and admins.
 * Passwords are argon2id hashes.
 */
export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    email: text('email').notNull(),
    displayName: text('display_name').notNull(),
    role: text('role', { enum: USER_ROLES }).notNull(),
    passwordHash: text('password_hash').notNull(),
    /** For resolvers: the resolver group (as named in the catalog) whose tickets they work. */
    resolverGroup: text('resolver_group'),
    /** For agents: the resolver groups (queues) they attend; empty = the general queue. */
    skills: jsonb('skills').$type<string[]>().notNull().default([]),
    /** For agents: where a phone call they accept rings (E.164 number `+52…` or `sip:…` URI); null = no phone. */
    voiceRoute: text('voice_route'),
    active: boolean('active').notNull().default(true),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    lastLoginAt: timestamp('last_login_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('users_email_uq').on(sql`lower(${t.email})`),
    check('users_role_ck', sql`${t.role} in ('agent', 'resolver', 'coordinator', 'admin')`),
  ],
);

/** Who did what, when: every administrative change. Append-only. */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    target: text('target'),
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [index('audit_log_at_idx').on(t.at), index('audit_log_action_idx').on(t.action)],
);

/** Small installation-wide values (the generated signing key, for one). */
export const settings = pgTable('settings', {
  key: text('key').primaryKey(),
  value: jsonb('value').$type<unknown>().notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * Published service catalogs. Each publish (or import, rollback, first-start default) adds one
 * immutable row; the highest version is the one the router serves.
 */
export const catalogVersions = pgTable('catalog_versions', {
  version: integer('version').primaryKey(),
  catalog: jsonb('catalog').$type<Record<string, unknown>>().notNull(),
  contentHash: text('content_hash').notNull(),
  source: text('source', { enum: ['publish', 'import', 'rollback', 'default'] }).notNull(),
  note: text('note'),
  summary: jsonb('summary').$type<{ added: number; removed: number; changed: number }>().notNull(),
  publishedBy: text('published_by').notNull(),
  publishedAt: timestamp('published_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * The one working draft coordinators edit before publishing. `revision` increases on every
 * change so caches (the draft router of the «Probar» panel) know when to retrain.
 */
export const catalogDraft = pgTable('catalog_draft', {
  id: integer('id').primaryKey().default(1),
  catalog: jsonb('catalog').$type<Record<string, unknown>>().notNull(),
  basedOnVersion: integer('based_on_version'),
  revision: integer('revision').notNull().default(1),
  updatedBy: text('updated_by').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [check('catalog_draft_single_ck', sql`${t.id} = 1`)]);

/** Console sessions: only a SHA-256 of the cookie token is stored. */
export const sessions = pgTable(
  'sessions',
  {
    tokenHash: text('token_hash').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    csrfToken: text('csrf_token').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('sessions_user_idx').on(t.userId), index('sessions_expires_idx').on(t.expiresAt)],
);

/** The last ticket number given per prefix and year; bumped in the ticket's own transaction (gap-free). */
export const ticketCounters = pgTable(
  'ticket_counters',
  {
    prefix: text('prefix').notNull(),
    year: integer('year').notNull(),
    last: integer('last').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.prefix, t.year] })],
);

export const TICKET_KINDS = ['incident', 'request', 'informative'] as const;
export const TICKET_STATUSES = ['registered', 'assigned', 'in_progress', 'resolved', 'closed', 'cancelled'] as const;

/** Tickets (incidents and service requests) and CAU_INFORMATIVO_04A informative records. */
export const tickets = pgTable(
  'tickets',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    number: text('number').notNull(),
    kind: text('kind', { enum: TICKET_KINDS }).notNull(),
    status: text('status', { enum: TICKET_STATUSES }).notNull(),
    serviceCode: text('service_code'),
    serviceName: text('service_name'),
    resolverGroup: text('resolver_group'),
    requester: jsonb('requester').$type<Record<string, unknown>>().notNull(),
    channel: text('channel').notNull(),
    conversationId: text('conversation_id'),
    description: text('description').notNull(),
    diagnostics: jsonb('diagnostics').$type<unknown[]>().notNull().default([]),
    urgency: text('urgency').notNull(),
    impact: text('impact').notNull(),
    priority: text('priority').notNull(),
    catalogVersion: integer('catalog_version'),
    /** The inbound activity (or webhook message) that created it: a retry finds the same ticket. */
    idempotencyKey: text('idempotency_key'),
    /** The requester record (one person across conversations), when known. */
    requesterId: uuid('requester_id').references(() => requesters.id, { onDelete: 'set null' }),
    /** Console user (resolver) it is assigned to. */
    assignee: text('assignee'),
    /** When the person was told the number; null after a crash between creation and reply (the next turn tells it). */
    announcedAt: timestamp('announced_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('tickets_number_uq').on(t.number),
    uniqueIndex('tickets_idempotency_uq').on(t.idempotencyKey).where(sql`${t.idempotencyKey} is not null`),
    index('tickets_status_idx').on(t.status),
    index('tickets_created_idx').on(t.createdAt),
    index('tickets_conversation_idx').on(t.conversationId),
    index('tickets_requester_idx').on(t.requesterId),
    index('tickets_group_idx').on(t.resolverGroup, t.status),
    check('tickets_kind_ck', sql`${t.kind} in ('incident', 'request', 'informative')`),
    check('tickets_status_ck', sql`${t.status} in ('registered', 'assigned', 'in_progress', 'resolved', 'closed', 'cancelled')`),
  ],
);

/** Every status change and note of a ticket, in order. */
export const ticketEvents = pgTable(
  'ticket_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    ticketId: uuid('ticket_id')
      .notNull()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    actor: text('actor').notNull(),
    fromStatus: text('from_status'),
    toStatus: text('to_status'),
    note: text('note'),
  },
  (t) => [index('ticket_events_ticket_idx').on(t.ticketId, t.id)],
);

/**
 * One person who asks the help desk for something, with what the attention script learned about them.
 * Reused (and confirmed) when they come back on a channel identity linked to it.
 */
export const requesters = pgTable('requesters', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name'),
  unitCode: text('unit_code'),
  unitName: text('unit_name'),
  role: text('role'),
  extension: text('extension'),
  email: text('email'),
  phone: text('phone'),
  /**
   * Set when a coordinator merged this record into another: its identities, tickets and attentions moved there, and
   * a conversation still holding this id is led to the surviving record.
   */
  mergedInto: uuid('merged_into'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * A channel identity of a requester: (`webchat`, user id), (`voice`, caller number), (`email`, sender)…
 * `verified` means the channel itself proves it (an authenticated portal user, a caller id, a mail sender).
 */
export const requesterIdentities = pgTable(
  'requester_identities',
  {
    kind: text('kind').notNull(),
    value: text('value').notNull(),
    requesterId: uuid('requester_id')
      .notNull()
      .references(() => requesters.id, { onDelete: 'cascade' }),
    verified: boolean('verified').notNull().default(false),
    /**
     * How the link was proven: `channel` (the channel itself vouches for it: a signed-in web chat user, a Messenger
     * PSID, an X id), `sender` (a mail that came from that address), `code` (a code sent to the address or phone was
     * typed back), `coordinator` (moved by a coordinator's merge or split); null for claimed identities (caller id).
     */
    proof: text('proof'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.kind, t.value] }), index('requester_identities_requester_idx').on(t.requesterId)],
);

/**
 * A code sent to an e-mail address or phone on file to prove that the person on another channel (Messenger, X,
 * web chat…) is the requester who owns it; typing it back links that channel identity to the requester.
 */
export const identityCodes = pgTable(
  'identity_codes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** The channel identity asking to be linked. */
    kind: text('kind').notNull(),
    value: text('value').notNull(),
    requesterId: uuid('requester_id')
      .notNull()
      .references(() => requesters.id, { onDelete: 'cascade' }),
    /** Where the code went: `email` or `phone`, and the address or number. */
    sentTo: text('sent_to').notNull(),
    target: text('target').notNull(),
    codeHash: text('code_hash').notNull(),
    attempts: integer('attempts').notNull().default(0),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('identity_codes_identity_idx').on(t.kind, t.value, t.createdAt)],
);

/** Binary content (PostgreSQL `bytea`) as a Node Buffer. */
const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (value) => (Buffer.isBuffer(value) ? value : Buffer.from(value)),
});

export const EMAIL_MESSAGE_STATUSES = ['received', 'processed', 'ignored', 'queued'] as const;

/**
 * Every e-mail read from a mailbox (`in`) or sent in a conversation (`out`), by Message-ID: threads replies to their
 * conversation, drops a message read twice, and marks an inbound message `processed` only after its turn and its
 * reply were stored (a crash before that re-reads it). `ignored` keeps why (auto-reply, list mail, loop…).
 */
export const emailMessages = pgTable(
  'email_messages',
  {
    pk: bigserial('pk', { mode: 'number' }).primaryKey(),
    mailbox: text('mailbox').notNull(),
    messageId: text('message_id').notNull(),
    direction: text('direction', { enum: ['in', 'out'] }).notNull(),
    conversationId: text('conversation_id').references(() => conversations.id, { onDelete: 'cascade' }),
    status: text('status', { enum: EMAIL_MESSAGE_STATUSES }).notNull(),
    reason: text('reason'),
    fromAddress: text('from_address'),
    subject: text('subject'),
    /** Message-IDs this one answers (In-Reply-To and References), oldest first. */
    references: jsonb('references').$type<string[]>().notNull().default([]),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    processedAt: timestamp('processed_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('email_messages_uq').on(t.mailbox, t.direction, t.messageId),
    index('email_messages_message_id_idx').on(t.messageId),
    index('email_messages_conversation_idx').on(t.conversationId, t.pk),
    check('email_messages_direction_ck', sql`${t.direction} in ('in', 'out')`),
    check('email_messages_status_ck', sql`${t.status} in ('received', 'processed', 'ignored', 'queued')`),
  ],
);

/** A file a person sent (an e-mail attachment), kept with the conversation and shown with its tickets. */
export const attachments = pgTable(
  'attachments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    conversationId: text('conversation_id')
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    /** The inbound message it came with (e-mail Message-ID); a re-read message stores it once. */
    sourceId: text('source_id').notNull(),
    filename: text('filename').notNull(),
    contentType: text('content_type').notNull(),
    size: integer('size').notNull(),
    sha256: text('sha256').notNull(),
    content: bytea('content').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('attachments_source_uq').on(t.conversationId, t.sourceId, t.sha256, t.filename),
    index('attachments_conversation_idx').on(t.conversationId),
  ],
);

export const ATTENTION_OUTCOMES = ['first_level', 'ticket', 'informative', 'out_of_scope', 'status_lookup', 'directory', 'transferred', 'callback'] as const;

/**
 * One request attended in a conversation and how it ended: resolved at first level, ticket, informative record,
 * out-of-scope referral or status lookup. The indicators count these.
 */
export const attentions = pgTable(
  'attentions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    conversationId: text('conversation_id').notNull(),
    channel: text('channel').notNull(),
    requesterId: uuid('requester_id').references(() => requesters.id, { onDelete: 'set null' }),
    unitCode: text('unit_code'),
    outcome: text('outcome', { enum: ATTENTION_OUTCOMES }).notNull(),
    serviceCode: text('service_code'),
    ticketId: uuid('ticket_id').references(() => tickets.id, { onDelete: 'set null' }),
    description: text('description'),
    /** Inbound activity that ended it: a replayed turn records nothing twice. */
    idempotencyKey: text('idempotency_key'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('attentions_idempotency_uq').on(t.idempotencyKey).where(sql`${t.idempotencyKey} is not null`),
    index('attentions_created_idx').on(t.createdAt),
    index('attentions_conversation_idx').on(t.conversationId),
    check('attentions_outcome_ck', sql`${t.outcome} in ('first_level', 'ticket', 'informative', 'out_of_scope', 'status_lookup', 'directory', 'transferred', 'callback')`),
  ],
);

export const OUTBOX_KINDS = ['email', 'webhook'] as const;
export const OUTBOX_STATUSES = ['pending', 'sent', 'dead'] as const;

/**
 * Messages to deliver outside (SMTP mail, webhooks), written in the same transaction as what caused them and
 * delivered by a worker with retries and backoff: an outage delays them, never loses them.
 */
export const outbox = pgTable(
  'outbox',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    kind: text('kind', { enum: OUTBOX_KINDS }).notNull(),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    /** Same key twice → one message (e.g. `ticket:<id>:requester`). */
    dedupeKey: text('dedupe_key'),
    status: text('status', { enum: OUTBOX_STATUSES }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
    /** A worker holds the row until then; after a crash another worker takes it. */
    lockedUntil: timestamp('locked_until', { withTimezone: true }),
    lastError: text('last_error'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    sentAt: timestamp('sent_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('outbox_dedupe_uq').on(t.dedupeKey).where(sql`${t.dedupeKey} is not null`),
    index('outbox_due_idx').on(t.status, t.nextAttemptAt),
    check('outbox_kind_ck', sql`${t.kind} in ('email', 'webhook')`),
    check('outbox_status_ck', sql`${t.status} in ('pending', 'sent', 'dead')`),
  ],
);

export const AGENT_STATUSES = ['available', 'busy', 'away', 'offline'] as const;

/**
 * Each console agent's presence for the handoff queues: status, the resolver groups (skills) they serve, how many
 * conversations they take at once, when they last got one (longest idle first) and their last heartbeat.
 */
export const agentPresence = pgTable(
  'agent_presence',
  {
    userId: uuid('user_id')
      .primaryKey()
      .references(() => users.id, { onDelete: 'cascade' }),
    status: text('status', { enum: AGENT_STATUSES }).notNull().default('offline'),
    groups: jsonb('groups').$type<string[]>().notNull().default([]),
    capacity: integer('capacity').notNull().default(3),
    lastAssignedAt: timestamp('last_assigned_at', { withTimezone: true }),
    heartbeatAt: timestamp('heartbeat_at', { withTimezone: true }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('agent_presence_status_idx').on(t.status),
    check('agent_presence_status_ck', sql`${t.status} in ('available', 'busy', 'away', 'offline')`),
    check('agent_presence_capacity_ck', sql`${t.capacity} between 1 and 50`),
  ],
);

export const HANDOFF_STATUSES = ['queued', 'assigned', 'closed', 'cancelled'] as const;

/**
 * A conversation handed to a live agent: queued in its resolver group's queue (higher priority first, then oldest),
 * assigned to one agent, then closed (back to the bot, or ended) or cancelled by the person. One open handoff per
 * conversation.
 */
export const handoffs = pgTable(
  'handoffs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    conversationId: text('conversation_id').notNull(),
    channel: text('channel').notNull(),
    resolverGroup: text('resolver_group').notNull(),
    reason: text('reason').notNull(),
    priority: integer('priority').notNull().default(0),
    status: text('status', { enum: HANDOFF_STATUSES }).notNull().default('queued'),
    queuedAt: timestamp('queued_at', { withTimezone: true }).notNull().defaultNow(),
    assignedAt: timestamp('assigned_at', { withTimezone: true }),
    agentUserId: uuid('agent_user_id').references(() => users.id, { onDelete: 'set null' }),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    closeReason: text('close_reason'),
    /** Times it went back to the queue (an agent vanished or transferred it). */
    requeues: integer('requeues').notNull().default(0),
    /** When the current wait began: queued, transferred or requeued (the maximum wait counts from here). */
    waitStartedAt: timestamp('wait_started_at', { withTimezone: true }),
    /** When the agent accepted it; null while `assigned` = offered to the agent, not yet accepted. */
    acceptedAt: timestamp('accepted_at', { withTimezone: true }),
    /** Handed to an external agent hub (Bot Framework handoff protocol) rather than our queues. */
    external: boolean('external').notNull().default(false),
    /** What the bot collected (identification, route decision, diagnostics…), shown to the agent. */
    context: jsonb('context').$type<Record<string, unknown>>().notNull().default({}),
    /** Last hold or position message sent to the person while waiting. */
    lastHoldAt: timestamp('last_hold_at', { withTimezone: true }),
    /** Position last told to the person (they are told again when it changes). */
    lastPositionTold: integer('last_position_told'),
    /** Last message of the agent to the person, and of the person (for the agent-silent hold message). */
    lastAgentAt: timestamp('last_agent_at', { withTimezone: true }),
    lastPersonAt: timestamp('last_person_at', { withTimezone: true }),
    /** Note left by the agent who transferred it. */
    transferNote: text('transfer_note'),
    /** Ticket registered from this conversation by the agent. */
    ticketNumber: text('ticket_number'),
  },
  (t) => [
    uniqueIndex('handoffs_open_conversation_uq').on(t.conversationId).where(sql`${t.status} in ('queued', 'assigned')`),
    index('handoffs_queue_idx').on(t.resolverGroup, t.status, t.priority, t.queuedAt),
    index('handoffs_agent_idx').on(t.agentUserId, t.status),
    index('handoffs_conversation_idx').on(t.conversationId),
    index('handoffs_queued_idx').on(t.queuedAt),
    check('handoffs_status_ck', sql`${t.status} in ('queued', 'assigned', 'closed', 'cancelled')`),
  ],
);

export const CALLBACK_STATUSES = ['pending', 'calling', 'done', 'failed', 'cancelled'] as const;
export const CALLBACK_KINDS = ['handoff', 'transfer', 'outbound'] as const;

/**
 * A call to place later: a person asked to be called back (desk closed, nobody free, the wait was too long, or the
 * extension they wanted was busy), or internal staff asked for an outbound call. Placed by the callback scheduler
 * (one instance at a time, under an advisory lock) through the Twilio REST API.
 */
export const callbackRequests = pgTable(
  'callback_requests',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    conversationId: text('conversation_id').notNull(),
    channel: text('channel').notNull(),
    requesterId: uuid('requester_id'),
    name: text('name'),
    phone: text('phone').notNull(),
    /** When they asked to be called, in their words («mañana a las diez»). */
    preferredTime: text('preferred_time'),
    resolverGroup: text('resolver_group'),
    reason: text('reason').notNull(),
    status: text('status', { enum: CALLBACK_STATUSES }).notNull().default('pending'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    handledAt: timestamp('handled_at', { withTimezone: true }),
    /** handoff: connect them with an agent of `resolver_group`; transfer: with `directory_entry_id`; outbound: staff call. */
    kind: text('kind', { enum: CALLBACK_KINDS }).notNull().default('handoff'),
    directoryEntryId: uuid('directory_entry_id'),
    /** When to place it (parsed from `preferred_time`); null = as soon as the desk is open. */
    scheduledAt: timestamp('scheduled_at', { withTimezone: true }),
    /** Earliest next attempt (after a failed one). */
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }),
    attempts: integer('attempts').notNull().default(0),
    maxAttempts: integer('max_attempts').notNull().default(3),
    lastCallSid: text('last_call_sid'),
    /** Twilio's last call status or our error («busy», «no-answer», «api_error: …»). */
    lastResult: text('last_result'),
    /** Who asked for it (outbound staff calls: the verified staff member), for the log. */
    requestedBy: text('requested_by'),
  },
  (t) => [
    index('callback_requests_status_idx').on(t.status, t.createdAt),
    index('callback_requests_due_idx').on(t.status, t.nextAttemptAt),
    check('callback_requests_status_ck', sql`${t.status} in ('pending', 'calling', 'done', 'failed', 'cancelled')`),
    check('callback_requests_kind_ck', sql`${t.kind} in ('handoff', 'transfer', 'outbound')`),
  ],
);

export const DIRECTORY_KINDS = ['person', 'area'] as const;
export const DIRECTORY_AVAILABILITY = ['available', 'away', 'unavailable'] as const;

/**
 * The switchboard directory: people and areas callers ask for, with the extension and how to reach it — a SIP URI
 * on the PBX (Asterisk) or a PSTN number with digits to dial after it answers (`send_digits`, e.g. `ww42500`).
 */
export const directoryEntries = pgTable(
  'directory_entries',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    kind: text('kind', { enum: DIRECTORY_KINDS }).notNull(),
    /** «María Pérez Gómez» (person) or «Recursos Humanos» (area). */
    name: text('name').notNull(),
    /** Honorific said before the name: «Lic.», «Ing.», «Dra.». */
    title: text('title'),
    /** 'f' | 'm' for «la Lic.» / «el Ing.»; null = neither article. */
    gender: text('gender'),
    /** The area a person belongs to (for areas, their parent area, if any). */
    area: text('area'),
    position: text('position'),
    /** Other names callers use: «RH», «personal», «la licenciada Mary». */
    aliases: jsonb('aliases').$type<string[]>().notNull().default([]),
    extension: text('extension'),
    phone: text('phone'),
    email: text('email'),
    availability: text('availability', { enum: DIRECTORY_AVAILABILITY }).notNull().default('available'),
    /** Said to the caller when not available: «está de vacaciones hasta el 3 de diciembre». */
    availabilityNote: text('availability_note'),
    /** How a call reaches them: 'sip' (route_address = sip:42500@pbx.example) or 'pstn' (E.164 + send_digits). */
    routeKind: text('route_kind'),
    routeAddress: text('route_address'),
    sendDigits: text('send_digits'),
    /** Internal staff who may ask the desk for outbound calls (verified by their PIN, argon2id). */
    outboundAllowed: boolean('outbound_allowed').notNull().default(false),
    outboundPinHash: text('outbound_pin_hash'),
    active: boolean('active').notNull().default(true),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('directory_entries_extension_idx').on(t.extension),
    check('directory_entries_kind_ck', sql`${t.kind} in ('person', 'area')`),
    check('directory_entries_availability_ck', sql`${t.availability} in ('available', 'away', 'unavailable')`),
    check('directory_entries_route_ck', sql`${t.routeKind} is null or ${t.routeKind} in ('sip', 'pstn')`),
  ],
);

export const CALL_DIRECTIONS = ['inbound', 'outbound'] as const;

/**
 * Every phone call, for the indicators and the quality review: who called, when it was answered and ended, the
 * transfers tried, the queue wait, how it ended, and the recording (taken only after the consent announcement).
 */
export const calls = pgTable(
  'calls',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    callSid: text('call_sid').notNull(),
    parentCallSid: text('parent_call_sid'),
    /** Our conversation of this call (the bot's transcript); null for legs that have none (an agent's leg). */
    conversationId: text('conversation_id'),
    direction: text('direction', { enum: CALL_DIRECTIONS }).notNull(),
    /** caller (a person called us), callback, outbound (for staff), agent (an agent's leg of a bridged call). */
    purpose: text('purpose').notNull().default('caller'),
    fromNumber: text('from_number'),
    toNumber: text('to_number'),
    /** Twilio's latest CallStatus. */
    status: text('status').notNull(),
    /** How it ended for the indicators: resolved, ticket, informative, out_of_scope, transferred, handoff, message, callback, abandoned, failed. */
    outcome: text('outcome'),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
    answeredAt: timestamp('answered_at', { withTimezone: true }),
    endedAt: timestamp('ended_at', { withTimezone: true }),
    durationSeconds: integer('duration_seconds'),
    /** Each transfer tried: { at, entryId, name, extension, status, durationSeconds }. */
    transfers: jsonb('transfers').$type<Array<Record<string, unknown>>>().notNull().default([]),
    queueGroup: text('queue_group'),
    queueWaitSeconds: integer('queue_wait_seconds'),
    agentUserId: uuid('agent_user_id'),
    callbackId: uuid('callback_id'),
    recordingConsent: boolean('recording_consent').notNull().default(false),
    recordingSid: text('recording_sid'),
    recordingUrl: text('recording_url'),
    recordingSeconds: integer('recording_seconds'),
    /** A voice message left by the caller (recorded, attached to a ticket). */
    messageRecordingUrl: text('message_recording_url'),
    ticketNumber: text('ticket_number'),
    meta: jsonb('meta').$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [
    uniqueIndex('calls_call_sid_uq').on(t.callSid),
    index('calls_started_idx').on(t.startedAt),
    index('calls_conversation_idx').on(t.conversationId),
    check('calls_direction_ck', sql`${t.direction} in ('inbound', 'outbound')`),
  ],
);

/**
 * The monthly report as generated (seed 001: three days after the month closes) and stored as evidence: the
 * indicators' JSON, the XLSX sent, to whom and when. One row per month; regenerating replaces it.
 */
export const monthlyReports = pgTable('monthly_reports', {
  month: text('month').primaryKey(),
  generatedAt: timestamp('generated_at', { withTimezone: true }).notNull(),
  /** Who generated it: `scheduler` or a user's e-mail (the CLI or the console). */
  generatedBy: text('generated_by').notNull(),
  report: jsonb('report').$type<Record<string, unknown>>().notNull(),
  xlsx: bytea('xlsx').notNull(),
  /** The coordinators' addresses it was mailed to (empty when none or no SMTP). */
  recipients: jsonb('recipients').$type<string[]>().notNull().default([]),
  emailedAt: timestamp('emailed_at', { withTimezone: true }),
});


export const QUALITY_REVIEW_STATUSES = ['in_review', 'submitted', 'returned', 'approved'] as const;

/**
 * A month's protocol-quality review (seed 001 stage 2, seed 004 stage 4): a random sample of the month's conversations
 * and calls, stratified by channel and agent and drawn from `seed` (stored, so the same sample can be drawn again).
 * The reviewers check each item; the review report goes to the coordinator, who approves it or returns it with
 * comments. One review per month.
 */
export const qualityReviews = pgTable(
  'quality_reviews',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    month: text('month').notNull(),
    seed: text('seed').notNull(),
    /** The sample size asked for, and how the draw went per stratum: { channel, agentUserId, population, drawn }[]. */
    sampleSize: integer('sample_size').notNull(),
    strata: jsonb('strata').$type<Array<Record<string, unknown>>>().notNull().default([]),
    status: text('status', { enum: QUALITY_REVIEW_STATUSES }).notNull().default('in_review'),
    createdBy: text('created_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    submittedBy: text('submitted_by'),
    submittedAt: timestamp('submitted_at', { withTimezone: true }),
    /** The tabulation as submitted (by non-compliance type, agent and channel). */
    summary: jsonb('summary').$type<Record<string, unknown>>(),
    decidedBy: text('decided_by'),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    /** The coordinator's comments when returning (or approving) the review. */
    coordinatorComments: text('coordinator_comments'),
    /** Every submit/return/approve: { at, by, action, comments }. */
    history: jsonb('history').$type<Array<Record<string, unknown>>>().notNull().default([]),
  },
  (t) => [
    uniqueIndex('quality_reviews_month_uq').on(t.month),
    check('quality_reviews_status_ck', sql`${t.status} in ('in_review', 'submitted', 'returned', 'approved')`),
  ],
);

/**
 * One sampled conversation (or call) of a review: the automatic pre-checks from its transcript and call record
 * (`prechecks`: { [item]: { result: 'pass' | 'fail' | 'na', evidence } }), and the reviewer's verdict per checklist
 * item (`verdicts`: { [item]: 'pass' | 'fail' | 'na' }, confirming or overriding the pre-check) with observations.
 */
export const qualityReviewItems = pgTable(
  'quality_review_items',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    reviewId: uuid('review_id')
      .notNull()
      .references(() => qualityReviews.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    conversationId: text('conversation_id').notNull(),
    channel: text('channel').notNull(),
    /** The agent who attended it (null: the bot alone). */
    agentUserId: uuid('agent_user_id'),
    /** The caller's call, when it was a phone call (its recording is played through the console). */
    callId: uuid('call_id'),
    stratum: text('stratum').notNull(),
    prechecks: jsonb('prechecks').$type<Record<string, unknown>>().notNull().default({}),
    verdicts: jsonb('verdicts').$type<Record<string, string>>().notNull().default({}),
    observations: text('observations'),
    reviewedBy: text('reviewed_by'),
    reviewedAt: timestamp('reviewed_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('quality_review_items_conversation_uq').on(t.reviewId, t.conversationId),
    index('quality_review_items_review_idx').on(t.reviewId, t.position),
  ],
);

export const CORRECTIVE_ACTION_STATUSES = ['open', 'done', 'effective', 'not_effective'] as const;

/**
 * A corrective action of a review (seed 001 stage 2): assigned to an agent for one kind of non-compliance, due on a
 * date; the agent (or coordinator) marks it done, and the next month's review records whether it was effective.
 */
export const correctiveActions = pgTable(
  'corrective_actions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    reviewId: uuid('review_id')
      .notNull()
      .references(() => qualityReviews.id, { onDelete: 'cascade' }),
    agentUserId: uuid('agent_user_id').references(() => users.id, { onDelete: 'set null' }),
    /** The checklist item (kind of non-compliance) it corrects. */
    item: text('item').notNull(),
    description: text('description').notNull(),
    /** YYYY-MM-DD, the desk's time zone. */
    dueDate: text('due_date').notNull(),
    status: text('status', { enum: CORRECTIVE_ACTION_STATUSES }).notNull().default('open'),
    createdBy: text('created_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    doneAt: timestamp('done_at', { withTimezone: true }),
    doneNote: text('done_note'),
    /** The follow-up of the next month: which month's review looked at it, what it found, who and when. */
    followUpMonth: text('follow_up_month'),
    followUpNote: text('follow_up_note'),
    followUpBy: text('follow_up_by'),
    followUpAt: timestamp('follow_up_at', { withTimezone: true }),
  },
  (t) => [
    index('corrective_actions_review_idx').on(t.reviewId),
    index('corrective_actions_agent_idx').on(t.agentUserId, t.status),
    check('corrective_actions_status_ck', sql`${t.status} in ('open', 'done', 'effective', 'not_effective')`),
  ],
);

/**
 * The system's self-check (seed 004, preventive maintenance), stored as evidence: the monthly run and any run an admin
 * asks for. `results`: { name, status: 'ok' | 'warn' | 'fail' | 'skipped', detail, ms }[].
 */
export const healthChecks = pgTable(
  'health_checks',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    /** monthly (the scheduler) or manual (an admin). */
    kind: text('kind').notNull(),
    /** The month a monthly run stands for (YYYY-MM); one monthly run per month. */
    month: text('month'),
    checkedBy: text('checked_by').notNull(),
    ok: boolean('ok').notNull(),
    results: jsonb('results').$type<Array<Record<string, unknown>>>().notNull(),
    /** What the head of the area decided after reading it (seed 004 stage 2: «analiza resultados… define la acción»). */
    note: text('note'),
    notedBy: text('noted_by'),
    notedAt: timestamp('noted_at', { withTimezone: true }),
  },
  (t) => [
    index('health_checks_at_idx').on(t.at),
    uniqueIndex('health_checks_monthly_uq').on(t.month).where(sql`${t.kind} = 'monthly'`),
  ],
);
