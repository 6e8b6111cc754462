export { Database, type Db, type DatabaseOptions, type HeldLock, migrationsFolder } from './db';
export { EmailRepository, type AttachmentInfo, type EmailMessageRow, type InboundEmail, type NewAttachment, type OutboundEmail } from './repositories/email.repository';
export { BotStateRepository, ETagConflictError, type StoredState } from './repositories/bot-state.repository';
export {
  ConversationRepository,
  ConversationNotFoundError,
  type ConversationRow,
  type NewActivity,
  type StoredActivity,
} from './repositories/conversation.repository';
export { UserRepository, DuplicateEmailError, USER_ROLES, type UserRole, type UserRow } from './repositories/user.repository';
export { AuditRepository, type AuditEntry, type AuditRow } from './repositories/audit.repository';
export { SettingsRepository } from './repositories/settings.repository';
export {
  CatalogRepository,
  CATALOG_CHANNEL,
  type CatalogDraftRow,
  type CatalogSource,
  type CatalogVersionInfo,
  type CatalogVersionRow,
  type VersionSummary,
} from './repositories/catalog.repository';
export { SessionRepository, type SessionRow, type SessionUser } from './repositories/session.repository';
export {
  TicketRepository,
  TICKET_KINDS,
  TICKET_STATUSES,
  type NewTicket,
  type TicketEventRow,
  type TicketKind,
  type TicketRow,
  type TicketStatus,
} from './repositories/ticket.repository';
export { RequesterRepository, type IdentityKey, type RequesterFields, type RequesterRow } from './repositories/requester.repository';
export { AttentionRepository, type AttentionRow, type NewAttention } from './repositories/attention.repository';
export {
  HandoffRepository,
  type AgentPresenceRow,
  type AgentStatus,
  type HandoffRow,
  type NewHandoff,
} from './repositories/handoff.repository';
export { CallRepository, type CallPatch, type CallRow, type LatestConversation, type NewCall } from './repositories/call.repository';
export { insertOutboxMessages, type NewOutboxMessage, type OutboxRow } from './repositories/outbox.repository';
export {
  OutboxRepository,
  OUTBOX_KINDS,
  OUTBOX_STATUSES,
  type OutboxKind,
  type OutboxStats,
  type OutboxStatus,
} from './repositories/outbox.repository';
export { CallbackRepository, CALLBACK_SCHEDULER_LOCK, type CallbackKind, type CallbackRow, type CallbackStatus, type ClaimResult, type CancelOutcome, type NewCallbackRequest } from './repositories/callback.repository';

import { Database } from './db';
import { AuditRepository } from './repositories/audit.repository';
import { CatalogRepository } from './repositories/catalog.repository';
import { SessionRepository } from './repositories/session.repository';
import { TicketRepository } from './repositories/ticket.repository';
import { OutboxRepository } from './repositories/outbox.repository';
import { RequesterRepository } from './repositories/requester.repository';
import { AttentionRepository } from './repositories/attention.repository';
import { HandoffRepository } from './repositories/handoff.repository';
import { BotStateRepository } from './repositories/bot-state.repository';
import { ConversationRepository } from './repositories/conversation.repository';
import { SettingsRepository } from './repositories/settings.repository';
import { UserRepository } from './repositories/user.repository';
import { EmailRepository } from './repositories/email.repository';

/** Every repository over one database. */
export interface Repositories {
  botState: BotStateRepository;
  conversations: ConversationRepository;
  users: UserRepository;
  audit: AuditRepository;
  settings: SettingsRepository;
  catalog: CatalogRepository;
  sessions: SessionRepository;
  tickets: TicketRepository;
  outbox: OutboxRepository;
  requesters: RequesterRepository;
  attentions: AttentionRepository;
  handoffs: HandoffRepository;
  email: EmailRepository;
}

export function createRepositories(database: Database): Repositories {
  const db = database.db;
  return {
    botState: new BotStateRepository(database),
    conversations: new ConversationRepository(database),
    users: new UserRepository(db),
    audit: new AuditRepository(db),
    settings: new SettingsRepository(db),
    catalog: new CatalogRepository(db),
    sessions: new SessionRepository(db),
    tickets: new TicketRepository(db),
    outbox: new OutboxRepository(db),
    requesters: new RequesterRepository(db),
    attentions: new AttentionRepository(db),
    handoffs: new HandoffRepository(db),
    email: new EmailRepository(db),
  };
}
export { DirectoryRepository, type DirectoryChange, type DirectoryRow, type DirectoryValues } from './repositories/directory.repository';
export { RequesterAdminRepository, type IdentityRef, type MergeOutcome, type MergeRequest, type MovedCounts, type RequesterDetailRow, type RequesterIdentityRow, type RequesterRecord, type RequesterSearchQuery, type RequesterSummaryRow, type SplitOutcome, type SplitRequest } from './repositories/requester-admin.repository';
export { ReportRepository, type RawReport, type ReportCursor, type ReportItemRecord, type SlaTargetRow } from './repositories/report.repository';
export { MonthlyReportRepository, MONTHLY_REPORT_LOCK, type ClaimOutcome, type NewStoredReport, type StoredReport, type StoredReportMeta } from './repositories/monthly-report.repository';
export { HealthRepository, HEALTH_CHECK_LOCK, type DatabaseProbe, type HealthResult, type HealthRun, type HealthRunKind, type HealthNote, type HealthRunSummary, type HealthStatus, type MonthlyEvidence, type NewHealthRun, type OutboxLag, type QueueLag } from './repositories/health.repository';
