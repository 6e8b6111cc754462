import type { Server } from 'restify';
import type { Logger } from 'pino';
import { BotFrameworkChannel } from '../bots/channels/botframework/botframework.channel';
import { DirectLineAdapter, WEBCHAT_CHANNEL } from '../bots/channels/directline/directline.adapter';
import { DirectLineStreams } from '../bots/channels/directline/directline-stream';
import { DirectLineTokens } from '../bots/channels/directline/directline-token';
import { DirectLineRoutes } from '../bots/channels/directline/directline.routes';
import { StreamHub } from '../bots/channels/directline/stream-hub';
import { TurnMetricsMiddleware } from '../bots/middleware/metrics.middleware';
import { TranscriptMiddleware } from '../bots/middleware/transcript.middleware';
import { createBotRuntime } from '../bots/runtime';
import { TurnTracker } from '../bots/turn-tracker';
import { AuthRoutes } from '../console/api/auth.routes';
import { CatalogRoutes } from '../console/api/catalog.routes';
import { AgentPhoneRoutes, HandoffRoutes } from '../console/api/handoff.routes';
import { CallbackApiRoutes } from '../console/api/callback.routes';
import { DirectoryRoutes } from '../console/api/directory.routes';
import { CallbackRoutes } from '../bots/channels/twilio-voice/callback.routes';
import { CallbackScheduler } from '../services/callbacks/callback-scheduler';
import { CallbackService } from '../services/callbacks/callback.service';
import { DirectoryService } from '../services/directory/directory.service';
import { TicketRoutes } from '../console/api/ticket.routes';
import { AttachmentRoutes } from '../console/api/attachment.routes';
import { AgentSockets } from '../console/realtime/agent-socket';
import { DirectLinePersonChannel } from '../bots/channels/directline/directline-person';
import { assertTwilioPublicUrl, createTwilioChannels, type TwilioChannels } from '../bots/channels/twilio-voice/twilio-channels';
import { HttpTwilioRestClient, type TwilioRestClient } from '../services/twilio/rest-client';
import { SMS_CHANNEL, VOICE_CHANNEL, WHATSAPP_CHANNEL } from '../services/voice/voice-types';
import { createXChannel, type XChannel } from '../bots/channels/x/x-channel';
import { X_CHANNEL } from '../bots/channels/x/x-conversations';
import { createFacebookChannel, type FacebookChannel } from '../bots/channels/facebook/facebook-channel';
import { FACEBOOK_CHANNEL } from '../services/facebook/graph-client';
import { EmailChannel } from '../bots/channels/email/email-channel';
import { EMAIL_CHANNEL } from '../services/email/email-types';
import { IdentityLinkService } from '../services/requesters/identity-link.service';
import { BusinessHours } from '../services/handoff/business-hours';
import { HandoffService } from '../services/handoff/handoff.service';
import { ConsolePage } from '../console/console-page';
import { CallbackRepository, CallRepository, CATALOG_CHANNEL, createRepositories, Database, DirectoryRepository, MonthlyReportRepository, ReportRepository, RequesterAdminRepository, type Repositories } from '../models';
import { ReportRoutes } from '../console/api/report.routes';
import { QualityRoutes } from '../console/api/quality.routes';
import { QualityRepository } from '../models/repositories/quality.repository';
import { QualityService } from '../services/quality/quality.service';
import { TwilioRecordingSource } from '../services/quality/recording-source';
import { HealthRoutes } from '../console/api/health.routes';
import { HealthRepository } from '../models';
import { HealthCheckService } from '../services/health/health-check';
import { HealthScheduler } from '../services/health/health-scheduler';
import { healthSettings } from './health-settings';
import { WeeklyRoutes } from '../console/api/weekly.routes';
import { WeeklyRepository } from '../models/repositories/weekly.repository';
import { WeeklySummaryService } from '../services/reports/weekly-summary';
import { ConversationRoutes } from '../console/api/conversation.routes';
import { TranscriptRepository } from '../models/repositories/transcript.repository';
import { ConversationTranscriptService } from '../services/conversations/conversation-transcript.service';
import { ReportService } from '../services/reports/monthly-report';
import { MonthlyReportScheduler } from '../services/reports/report-scheduler';
import { RequesterRoutes } from '../console/api/requester.routes';
import { RequesterAdminService } from '../services/requesters/requester-admin.service';
import { ScriptUnderstanding } from '../dialogs/attention/script-understanding';
import { AttentionDesk } from '../services/attention/attention-desk';
import { SessionService } from '../services/auth/session.service';
import { CatalogRouter } from '../services/catalog/catalog-router';
import { CatalogService } from '../services/catalog/catalog.service';
import { readDefaultCatalog } from '../services/catalog/default-catalog';
import { RateLimiter } from '../services/http/rate-limiter';
import { ConversationService } from '../services/conversations/conversation.service';
import { Metrics } from '../services/observability/metrics';
import { deriveKey, resolveSecretKey } from '../services/security/secret-key';
import { OutboxWorker, type Transport } from '../services/notify/outbox-worker';
import { SmtpTransport } from '../services/notify/smtp-transport';
import { ticketNotifications } from '../services/notify/ticket-notifications';
import { WebhookTransport } from '../services/notify/webhook-transport';
import { defaultUnits, readUnitsFile } from '../services/script/units';
import { TicketService } from '../services/tickets/ticket.service';
import { AttachmentService } from '../services/tickets/attachment.service';
import { UserService } from '../services/users/user.service';
import type { Config } from './config';
import { makeServer } from './server';

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** Everything one running instance is made of, wired in one place. */
export interface Application {
  config: Config;
  logger: Logger;
  database: Database;
  repositories: Repositories;
  users: UserService;
  conversations: ConversationService;
  catalog: CatalogService;
  catalogRouter: CatalogRouter;
  sessions: SessionService;
  tickets: TicketService;
  /** The files people attached to their messages (e-mail), for the console. */
  attachments: AttachmentService;
  outbox: OutboxWorker;
  metrics: Metrics;
  tracker: TurnTracker;
  streams: DirectLineStreams;
  handoff: HandoffService;
  agentSockets: AgentSockets;
  /** Phone calls (`calls`): records for the indicators, and the voice channel's per-call state. */
  calls: CallRepository;
  /** The Twilio channels (phone, SMS, WhatsApp) and their REST client; null when Twilio is not configured. */
  twilio: (TwilioChannels & { rest: TwilioRestClient }) | null;
  /** The X (Twitter) direct-message channel; null when X_CONSUMER_SECRET / X_ACCESS_TOKEN are not set. */
  x: XChannel | null;
  /** Facebook Messenger; null without FACEBOOK_APP_SECRET / FACEBOOK_VERIFY_TOKEN / FACEBOOK_PAGE_ACCESS_TOKEN. */
  facebook: FacebookChannel | null;
  /** Monthly indicators and the «reporte general de llamadas» (JSON, CSV, XLSX). */
  reports: ReportService;
  /** Generates, stores and mails the monthly report from `REPORT_DAY` of the next month (one instance at a time). */
  reportScheduler: MonthlyReportScheduler;
  /** The monthly protocol-quality review (sample, pre-checks, verdicts, corrective actions) and the agents' pre-check scores. */
  quality: QualityService;
  /** The system health check (seed 004): runs every check now, or lists the stored runs. */
  health: HealthCheckService;
  /** Runs and stores this month's health check once (one instance, under an advisory lock). */
  healthScheduler: HealthScheduler;
  /** Coordinators' search, merge and split of requesters (one person across channels). */
  requesterAdmin: RequesterAdminService;
  /** E-mail (IMAP in, SMTP out); null without IMAP_URL. */
  email: EmailChannel | null;
  /** The switchboard directory (people, areas, extensions). */
  directory: DirectoryService;
  /** Call backs: booked by the bot and the agents, placed by the scheduler. */
  callbacks: CallbackService;
  /** Places due call backs (one instance at a time); undefined without Twilio, PUBLIC_BASE_URL and TWILIO_PHONE_NUMBER. */
  callbackScheduler: CallbackScheduler | undefined;
  server: Server;
  /** Stops accepting, finishes running turns, closes streams and the database. */
  shutdown(reason: string): Promise<void>;
}

export interface ApplicationOverrides {
  clock?: Clock;
  /** An already-open database (tests). When absent, one is opened from the config. */
  database?: Database;
  /** Skip the default Node.js metrics (tests create many applications in one process). */
  defaultMetrics?: boolean;
  /** How often each instance checks for a catalog version it missed (ms; 0 = only notifications). */
  catalogPollMs?: number;
  /** Do not start the outbox worker (tests that deliver by hand with `outbox.runOnce()`). */
  outboxWorker?: boolean;
  /** How often the handoff's periodic work runs (ms; 0 = never: tests call `handoff.tick()`). */
  handoffTickMs?: number;
  /** How often the callback scheduler ticks (ms; 0 = never: tests call `callbackScheduler.tick()`). */
  callbackTickMs?: number;
  /** How often the monthly report scheduler ticks (ms; 0 = never: tests call `reportScheduler.tick()`). */
  reportTickMs?: number;
  /** Do not start reading the mailboxes (tests that call `email.conversations.handle()` or start it later). */
  emailReader?: boolean;
  /** IMAP timings and the lock retry of the e-mail channel (tests make them short). */
  emailTimings?: { pollMs?: number; idleRestartMs?: number; lockRetryMs?: number; backoff?: { initialMs?: number; maxMs?: number } };
}

const BOT_ACCOUNT_ID = 'ventanilla-bot';

/** config → database → repositories → services → bot → channels → server. */
export async function createApplication(config: Config, logger: Logger, overrides: ApplicationOverrides = {}): Promise<Application> {
  const clock = overrides.clock ?? systemClock;
  // A channel that cannot verify its requests does not start (before anything is opened).
  if (config.twilio) assertTwilioPublicUrl(config.publicBaseUrl);
  const database = overrides.database ?? (await Database.open({ url: config.database.url, dataDir: config.dataDir, poolMax: config.database.poolMax }));
  await database.migrate();
  const repositories = createRepositories(database);
  const secretKey = await resolveSecretKey(config.secretKey, repositories.settings);

  const metrics = new Metrics({ defaultMetrics: overrides.defaultMetrics ?? true });
  const conversations = new ConversationService(repositories.conversations);
  const users = new UserService(repositories.users, repositories.audit);
  const catalog = new CatalogService(repositories.catalog);
  const seeded = await catalog.ensureDefault(readDefaultCatalog());
  if (seeded !== null) logger.info({ version: seeded }, 'catálogo de servicios inicial cargado');
  const catalogRouter = new CatalogRouter({
    catalog,
    logger: logger.child({ component: 'catalog' }),
    channel: CATALOG_CHANNEL,
    listen: (channel, onMessage, onResync) => database.listen(channel, onMessage, onResync),
    ...(overrides.catalogPollMs !== undefined ? { pollMs: overrides.catalogPollMs } : {}),
    observer: {
      decided: (decision) => metrics.routeDecisions.inc({ decision }),
      loaded: (version, seconds) => {
        metrics.catalogVersion.set(version);
        metrics.catalogTrainDuration.observe(seconds);
      },
    },
  });
  await catalogRouter.start();
  const sessions = new SessionService(users, repositories.sessions, clock);
  // A few dozen turns at once keep the pool busy; more would only queue inside it and hold memory.
  const tracker = new TurnTracker(32);

  const tickets = new TicketService(repositories.tickets, clock, { prefix: config.tickets.prefix, timeZone: config.tz, matrix: config.tickets.matrix });
  const attachments = new AttachmentService({ email: repositories.email, tickets: repositories.tickets });
  const transports: { email?: Transport; webhook?: Transport } = {
    ...(config.smtp ? { email: new SmtpTransport({ url: config.smtp.url, from: config.smtp.from, logger: logger.child({ component: 'smtp' }) }) } : {}),
    ...(config.notify.webhook ? { webhook: new WebhookTransport({ secret: config.notify.webhook.secret, clock }) } : {}),
  };
  const outbox = new OutboxWorker({
    repo: repositories.outbox,
    transports,
    clock,
    logger: logger.child({ component: 'outbox' }),
    pollMs: config.notify.pollMs,
    maxAttempts: config.notify.maxAttempts,
  });
  if (overrides.outboxWorker ?? true) outbox.start();
  const notifications = (ticket: Parameters<typeof ticketNotifications>[0]) =>
    ticketNotifications(ticket, {
      email: config.smtp !== null,
      requester: config.notify.requester,
      groupEmails: config.notify.groupEmails,
      webhook: config.notify.webhook ? { url: config.notify.webhook.url } : null,
      orgName: config.bot.orgName,
      timeZone: config.tz,
    });
  const twilioRest = config.twilio
    ? new HttpTwilioRestClient({
        accountSid: config.twilio.accountSid,
        authToken: config.twilio.authToken,
        ...(config.twilio.apiBaseUrl ? { baseUrl: config.twilio.apiBaseUrl } : {}),
        logger: logger.child({ component: 'twilio-rest' }),
      })
    : null;
  // One person across channels: codes to the address or phone on file prove who is writing (Messenger, X, web chat).
  const smsFrom = config.twilio?.phoneNumber;
  const links = new IdentityLinkService({
    requesters: repositories.requesters,
    audit: repositories.audit,
    clock,
    secret: deriveKey(secretKey, 'identity-link').toString('hex'),
    orgName: config.bot.orgName,
    ...(config.smtp
      ? {
          mail: async (message) => {
            await repositories.outbox.enqueue([message], clock.now());
            outbox.wake();
          },
        }
      : {}),
    ...(twilioRest && smsFrom ? { sms: async (phone, body) => void (await twilioRest.sendMessage({ to: `+52${phone}`, from: smsFrom, body })) } : {}),
  });
  const desk = new AttentionDesk({
    lookup: catalogRouter,
    tickets,
    requesters: repositories.requesters,
    attentions: repositories.attentions,
    clock,
    ticketPrefix: config.tickets.prefix,
    timeZone: config.tz,
    notifications,
    onRegistered: () => outbox.wake(),
    onOutcome: (outcome) => metrics.attentionOutcomes.inc({ outcome }),
    ...(config.smtp || (twilioRest && smsFrom) ? { links } : {}),
  });
  metrics.watchOutboxWith(async () => {
    const stats = await repositories.outbox.stats();
    const oldest = stats.oldestPendingAt ? (clock.now().getTime() - stats.oldestPendingAt.getTime()) / 1000 : 0;
    return { pending: stats.pending, dead: stats.dead, oldestPendingSeconds: Math.max(0, oldest) };
  });
  const units = config.unitsFile ? readUnitsFile(config.unitsFile) : defaultUnits();
  const understanding = new ScriptUnderstanding({ units, clock, timeZone: config.tz, ticketPrefix: config.tickets.prefix });

  const businessHours = new BusinessHours(config.businessHours?.schedule ?? null, { timeZone: config.tz, holidays: config.holidays });
  const handoff = new HandoffService({
    repo: repositories.handoffs,
    conversations,
    tickets,
    listen: (channel, onMessage, onResync) => database.listen(channel, onMessage, onResync),
    hours: businessHours,
    knownGroups: () => [...new Set((desk.catalog?.services ?? []).map((service) => service.resolverGroup))],
    clock,
    logger: logger.child({ component: 'handoff' }),
    settings: { ...config.handoff, timeZone: config.tz, orgName: config.bot.orgName },
    notifications,
    onRegistered: () => outbox.wake(),
  });

  const reports = new ReportService({ repo: new ReportRepository(database.db), timeZone: config.tz, slaTargets: config.reports.slaTargets });
  const quality = new QualityService({
    repo: new QualityRepository(database.db),
    audit: repositories.audit,
    clock,
    settings: { timeZone: config.tz, sampleSize: config.quality.sampleSize, prechecks: { voiceHoldSeconds: config.voice.holdSeconds } },
    logger: logger.child({ component: 'quality' }),
    recordings: config.twilio
      ? new TwilioRecordingSource({ accountSid: config.twilio.accountSid, authToken: config.twilio.authToken, ...(config.twilio.apiBaseUrl ? { baseUrl: config.twilio.apiBaseUrl } : {}) })
      : null,
  });
  const reportScheduler = new MonthlyReportScheduler({
    reports,
    repo: new MonthlyReportRepository(database),
    clock,
    logger: logger.child({ component: 'report-scheduler' }),
    settings: { day: config.reports.day, email: config.smtp !== null, extraEmails: config.reports.emails, publicBaseUrl: config.publicBaseUrl },
    onQueued: () => outbox.wake(),
    // Seed 001: the month's quality sample is drawn with its monthly report (when nobody drew it already); every later
    // tick of the due period checks again, so a failed draw is retried.
    onStored: async (month) => void (await quality.drawIfMissing(month, 'scheduler')),
  });
  reportScheduler.start(overrides.reportTickMs ?? config.reports.tickMs);
  // Seed 004's monthly preventive maintenance: every channel, the PBX, the queues and the disk, stored as evidence.
  const healthRepo = new HealthRepository(database);
  const health = new HealthCheckService({
    repo: healthRepo,
    audit: repositories.audit,
    clock,
    logger: logger.child({ component: 'health' }),
    settings: healthSettings(config, database),
    // Seed 004: the monthly run is reported to the head (coordinators, REPORT_EMAILS) like the monthly report.
    report: { email: config.smtp !== null, extraEmails: config.reports.emails, publicBaseUrl: config.publicBaseUrl },
    onQueued: () => outbox.wake(),
    timeZone: config.tz,
  });
  const healthScheduler = new HealthScheduler({
    health,
    repo: healthRepo,
    lock: (key) => database.tryLock(key),
    clock,
    logger: logger.child({ component: 'health-scheduler' }),
    timeZone: config.tz,
  });
  healthScheduler.start(config.health.tickMs);
  const requesterAdmin = new RequesterAdminService({ repo: new RequesterAdminRepository(database.db), clock });
  const directory = new DirectoryService({
    repo: new DirectoryRepository(database.db),
    audit: repositories.audit,
    clock,
    logger: logger.child({ component: 'directory' }),
    defaultSipHost: config.voice.pbxSipDomain ?? null,
  });
  const callbacks = new CallbackService({
    repo: new CallbackRepository(database.db),
    audit: repositories.audit,
    hours: businessHours,
    clock,
    logger: logger.child({ component: 'callbacks' }),
    ...(twilioRest ? { twilio: twilioRest } : {}),
    settings: { timeZone: config.tz, retryMinutes: config.callbacks.retryMinutes, maxAttempts: config.callbacks.maxAttempts, defaultGroup: config.handoff.defaultGroup },
  });

  const { bot, onTurnError } = createBotRuntime({
    switchboard: {
      directory,
      callbacks: {
        requestCallback: async (request) => {
          const { callback } = await callbacks.request({ ...request, kind: request.kind ?? 'handoff', preferredTime: request.preferredTime ?? null });
          return callback.id;
        },
      },
      parseTime: (text, now) => {
        const time = callbacks.when(text, now);
        return time ? { at: time.at, spoken: time.when, ...(time.moved ? { notice: time.spoken } : {}) } : null;
      },
      settings: { holdSeconds: config.voice.holdSeconds, transferTimeoutSeconds: config.voice.transferTimeoutSeconds, waitAttempts: config.voice.transferAttempts },
      verifyPin: (extension, pin) => directory.verifyOutboundPin(extension, pin),
      redact: (conversationId, activityId) => conversations.redactText(conversationId, activityId),
    },
    desk,
    understanding,
    handoff,
    transcript: async (conversationId) => (await conversations.since(conversationId, 0, 2000)).map((r) => r.activity),
    stateRepository: repositories.botState,
    settings: { botName: config.bot.name, orgName: config.bot.orgName, timeZone: config.tz },
    clock,
    logger: logger.child({ component: 'bot' }),
  });
  const turnMetrics = new TurnMetricsMiddleware(metrics);

  const hub = new StreamHub(conversations, logger.child({ component: 'directline' }));
  const tokens = new DirectLineTokens(deriveKey(secretKey, 'directline-token'), clock);
  const botAccount = { id: BOT_ACCOUNT_ID, name: config.bot.name };
  const directLineAdapter = new DirectLineAdapter({ conversations, hub, bot: botAccount, clock });
  directLineAdapter.use(turnMetrics);
  directLineAdapter.onTurnError = onTurnError;
  const directLine = new DirectLineRoutes({
    adapter: directLineAdapter,
    bot,
    conversations,
    hub,
    tokens,
    tracker,
    clock,
    logger: logger.child({ component: 'directline' }),
    onTyping: (conversationId) => handoff.personTyping(conversationId),
    settings: {
      secret: config.directLine.secret,
      tokenTtlSeconds: config.directLine.tokenTtlSeconds,
      ratePerMinute: config.directLine.ratePerMinute,
      anonymousWebChat: config.directLine.anonymousWebChat,
      publicBaseUrl: config.publicBaseUrl,
      bot: botAccount,
    },
  });
  const streams = new DirectLineStreams(hub, tokens, logger.child({ component: 'directline' }));
  // Agents reach people on the web chat; other channels join with their adapters (IVR, email, Messenger, X issues).
  handoff.attachPerson(new DirectLinePersonChannel({ adapter: directLineAdapter, bot, tracker, conversations, settings: { bot: botAccount } }), [WEBCHAT_CHANNEL]);
  const calls = new CallRepository(database.db);
  // Phone, SMS and WhatsApp (Twilio): the same bot; replies rendered to TwiML in the webhook's answer.
  let twilio: Application['twilio'] = null;
  if (config.twilio && twilioRest) {
    const rest = twilioRest;
    const channels = createTwilioChannels({
      bot,
      onTurnError,
      middleware: [turnMetrics],
      conversations,
      calls,
      handoff,
      rest,
      tracker,
      clock,
      logger,
      botAccount,
      settings: {
        ...config.voice,
        authToken: config.twilio.authToken,
        publicBaseUrl: config.publicBaseUrl,
        phoneNumber: config.twilio.phoneNumber,
        maxWaitSeconds: config.handoff.maxWaitSeconds,
        defaultGroup: config.handoff.defaultGroup,
        timeZone: config.tz,
      },
    });
    handoff.attachPerson(channels.voicePerson, [VOICE_CHANNEL]);
    handoff.attachPerson(channels.smsPerson, [SMS_CHANNEL, WHATSAPP_CHANNEL]);
    twilio = { ...channels, rest };
  }
  // X direct messages (Account Activity API webhook in, v2 DM endpoint out): the same bot, plain text.
  const x: XChannel | null = config.x
    ? createXChannel({
        bot,
        onTurnError,
        middleware: [turnMetrics],
        conversations,
        threads: calls,
        tracker,
        clock,
        logger,
        botAccount,
        settings: { consumerSecret: config.x.consumerSecret, accessToken: config.x.accessToken, apiBaseUrl: config.x.apiBaseUrl },
      })
    : null;
  if (x) handoff.attachPerson(x.person, [X_CHANNEL]);
  // Facebook Messenger (signed webhook in, Send API out): the same bot, quick replies for the options.
  const facebook: FacebookChannel | null = config.facebook
    ? createFacebookChannel({
        bot,
        onTurnError,
        middleware: [turnMetrics],
        conversations,
        threads: calls,
        tracker,
        clock,
        logger: logger.child({ component: 'facebook' }),
        botAccount,
        settings: config.facebook,
      })
    : null;
  if (facebook) handoff.attachPerson(facebook.person, [FACEBOOK_CHANNEL]);
  // E-mail: one instance reads each mailbox (advisory lock); replies and agents' messages go out through the outbox.
  const smtpFrom = config.smtp ? (config.smtp.from ?? smtpUser(config.smtp.url)) : undefined;
  const email: EmailChannel | null =
    config.imap && smtpFrom
      ? new EmailChannel({
          bot,
          onTurnError,
          middleware: [turnMetrics],
          conversations,
          email: repositories.email,
          tracker,
          clock,
          logger: logger.child({ component: 'email' }),
          botAccount,
          settings: {
            fromAddress: addressOf(smtpFrom),
            domain: addressOf(smtpFrom).split('@')[1] ?? 'ventanilla.local',
            botName: config.bot.name,
            orgName: config.bot.orgName,
            timeZone: config.tz,
            mailboxAddresses: Object.fromEntries(config.imap.mailboxes.filter((m) => m.user.includes('@')).map((m) => [m.name, m.user])),
          },
          mailboxes: config.imap.mailboxes,
          lock: (key) => database.tryLock(key),
          onQueued: () => outbox.wake(),
          ...(overrides.emailTimings?.lockRetryMs !== undefined ? { lockRetryMs: overrides.emailTimings.lockRetryMs } : {}),
          ...(overrides.emailTimings
            ? {
                imap: {
                  ...(overrides.emailTimings.pollMs !== undefined ? { pollMs: overrides.emailTimings.pollMs } : {}),
                  ...(overrides.emailTimings.idleRestartMs !== undefined ? { idleRestartMs: overrides.emailTimings.idleRestartMs } : {}),
                  ...(overrides.emailTimings.backoff ? { backoff: overrides.emailTimings.backoff } : {}),
                },
              }
            : {}),
        })
      : null;
  if (email) {
    handoff.attachPerson(email.person, [EMAIL_CHANNEL]);
    if (overrides.emailReader ?? true) await email.start();
  }
  let callbackScheduler: CallbackScheduler | undefined;
  if (twilio && config.publicBaseUrl && config.twilio?.phoneNumber) {
    callbackScheduler = new CallbackScheduler({
      callbacks,
      twilio: twilio.rest,
      hours: businessHours,
      clock,
      logger: logger.child({ component: 'callback-scheduler' }),
      calls,
      settings: { publicBaseUrl: config.publicBaseUrl, from: config.twilio.phoneNumber, ringSeconds: config.callbacks.ringSeconds },
    });
    callbackScheduler.start(overrides.callbackTickMs ?? config.callbacks.tickMs);
  } else if (twilio) {
    logger.warn('devolución de llamadas apagada: hace falta TWILIO_PHONE_NUMBER');
  }
  const twilioCallbacks = twilio
    ? new CallbackRoutes({
        webhook: twilio.webhook,
        callbacks,
        directory,
        calls,
        enqueueHandoff: (callSid, callback) => (twilio as NonNullable<typeof twilio>).status.enqueueCallback(callSid, callback),
        clock,
        logger: logger.child({ component: 'callbacks' }),
        settings: {
          publicBaseUrl: (config.publicBaseUrl as string).replace(/\/+$/, ''),
          orgName: config.bot.orgName,
          botName: config.bot.name,
          voice: { voice: config.voice.voice, language: config.voice.language },
          timeZone: config.tz,
          dialTimeoutSeconds: config.callbacks.dialTimeoutSeconds,
        },
      })
    : null;
  // Transcript lines recorded by any instance reach this instance's open chat streams.
  handoff.subscribe((event) => {
    if (event.type === 'activity') hub.poke(event.conversationId, event.seq);
    else if (event.type === 'resync') hub.pokeAll();
  });
  await handoff.start(overrides.handoffTickMs ?? config.handoff.tickMs);
  const agentSockets = new AgentSockets({
    sessions,
    handoff,
    logger: logger.child({ component: 'agent-socket' }),
    ...(config.publicBaseUrl ? { allowedOrigins: [new URL(config.publicBaseUrl).origin] } : {}),
  });
  const botFramework = new BotFrameworkChannel(
    config.botFramework,
    bot,
    [turnMetrics, new TranscriptMiddleware(conversations, logger.child({ component: 'transcript' }))],
    onTurnError,
  );

  const server = makeServer({
    logger,
    metrics,
    ready: () => database.ping(),
    routes: [
      directLine,
      botFramework,
      new AuthRoutes({
        sessions,
        limiter: new RateLimiter(10, 10, clock),
        secureCookies: config.publicBaseUrl?.startsWith('https:') ?? false,
        sessionMaxAgeSeconds: 12 * 3600,
      }),
      new CatalogRoutes({ sessions, catalog, router: catalogRouter }),
      // Requests that came by letter or in person are named, routed and mailed like the bot's.
      new TicketRoutes({ sessions, tickets, catalog: catalogRouter, notifications, onRegistered: () => outbox.wake() }),
      new AttachmentRoutes({ sessions, attachments }),
      new HandoffRoutes({ sessions, handoff }),
      new AgentPhoneRoutes({ sessions, users }),
      new DirectoryRoutes({ sessions, directory }),
      new RequesterRoutes({ sessions, requesters: requesterAdmin }),
      new ReportRoutes({ sessions, reports, stored: reportScheduler }),
      new QualityRoutes({ sessions, quality }),
      new HealthRoutes({ sessions, health }),
      new WeeklyRoutes({ sessions, weekly: new WeeklySummaryService({ repo: new WeeklyRepository(database.db), timeZone: config.tz, clock, prechecks: quality }) }),
      new ConversationRoutes({ sessions, conversations: new ConversationTranscriptService({ repo: new TranscriptRepository(database.db), facts: new QualityRepository(database.db) }) }),
      new CallbackApiRoutes({ sessions, callbacks }),
      ...(twilio?.routes ?? []),
      ...(twilioCallbacks ? [twilioCallbacks] : []),
      ...(x?.routes ?? []),
      ...(facebook?.routes ?? []),
      new ConsolePage({ logger: logger.child({ component: 'console' }) }),
    ],
    page: {
      botName: config.bot.name,
      orgName: config.bot.orgName,
      primaryColor: config.bot.primaryColor,
      accentColor: config.bot.accentColor,
    },
    bodyLimitBytes: config.http.bodyLimitBytes,
  });
  streams.attach(server.server, [(req, socket, head) => agentSockets.handleUpgrade(req, socket, head)]);
  metrics.countOpenStreamsWith(() => streams.open);

  let stopping: Promise<void> | undefined;
  const shutdown = (reason: string): Promise<void> => {
    stopping ??= (async () => {
      logger.info({ reason }, 'shutting down');
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.server.closeIdleConnections();
      streams.close();
      agentSockets.close();
      await catalogRouter.stop();
      // No new mail is read; a message in the middle of its turn finishes below (or is read again later).
      await email?.stop();
      const drained = await tracker.drain(15_000);
      await facebook?.conversations.idle(10_000);
      if (!drained) logger.warn({ running: tracker.active }, 'shutdown: turns still running after 15 s');
      // Requests still open after the turns finished are keep-alive leftovers.
      server.server.closeAllConnections();
      await closed;
      await outbox.stop();
      await callbackScheduler?.stop();
      await reportScheduler.stop();
      await healthScheduler.stop();
      await handoff.stop();
      await database.close();
      logger.info('stopped');
    })();
    return stopping;
  };

  return {
    config,
    logger,
    database,
    repositories,
    users,
    conversations,
    catalog,
    catalogRouter,
    sessions,
    tickets,
    attachments,
    outbox,
    handoff,
    agentSockets,
    calls,
    twilio,
    x,
    facebook,
    email,
    requesterAdmin,
    reports,
    reportScheduler,
    quality,
    health,
    healthScheduler,
    directory,
    callbacks,
    callbackScheduler,
    metrics,
    tracker,
    streams,
    server,
    shutdown,
  };
}

/** The address in `Nombre <correo@dominio>` or a bare address, lower case. */
function addressOf(from: string): string {
  return (/<([^<>\s]+@[^<>\s]+)>/.exec(from)?.[1] ?? from).trim().toLowerCase();
}

/** The user of an SMTP URL when it is an e-mail address (the sender when SMTP_FROM is unset). */
function smtpUser(url: string): string | undefined {
  try {
    const user = decodeURIComponent(new URL(url).username);
    return user.includes('@') ? user : undefined;
  } catch {
    return undefined;
  }
}
