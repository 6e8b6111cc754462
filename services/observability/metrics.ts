import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** Prometheus metrics of one process: HTTP requests, bot turns, errors, open streams. */
/** What the outbox gauges show. */
export interface OutboxFigures {
  pending: number;
  dead: number;
  oldestPendingSeconds: number;
}

export class Metrics {
  readonly registry = new Registry();
  readonly httpRequests = new Counter({
    name: 'ventanilla_http_requests_total',
    help: 'HTTP requests by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });
  readonly httpDuration = new Histogram({
    name: 'ventanilla_http_request_duration_seconds',
    help: 'HTTP request latency by method and route',
    labelNames: ['method', 'route'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  readonly turns = new Counter({
    name: 'ventanilla_turns_total',
    help: 'Bot turns by channel and outcome',
    labelNames: ['channel', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly turnDuration = new Histogram({
    name: 'ventanilla_turn_duration_seconds',
    help: 'Bot turn duration by channel',
    labelNames: ['channel'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  readonly errors = new Counter({
    name: 'ventanilla_errors_total',
    help: 'Errors by kind (turn, http)',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });
  readonly routeDecisions = new Counter({
    name: 'ventanilla_route_decisions_total',
    help: 'Router decisions of the published catalog by kind (service, informative, out_of_scope, ambiguous)',
    labelNames: ['decision'] as const,
    registers: [this.registry],
  });
  readonly catalogVersion = new Gauge({
    name: 'ventanilla_catalog_version',
    help: 'Catalog version this instance routes with',
    registers: [this.registry],
  });
  readonly catalogTrainDuration = new Histogram({
    name: 'ventanilla_catalog_train_duration_seconds',
    help: 'Router training time for a published catalog version',
    buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10],
    registers: [this.registry],
  });
  readonly attentionOutcomes = new Counter({
    name: 'ventanilla_attention_outcomes_total',
    help: 'Requests attended by outcome (first_level, ticket, informative, out_of_scope, status_lookup)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  readonly openStreams: Gauge;
  readonly outboxPending: Gauge;
  readonly outboxDead: Gauge;
  readonly outboxOldestSeconds: Gauge;
  private openStreamsSource: () => number = () => 0;
  private outboxSource: (() => Promise<OutboxFigures>) | undefined;

  constructor(options: { defaultMetrics?: boolean } = {}) {
    const source = () => this.openStreamsSource();
    this.openStreams = new Gauge({
      name: 'ventanilla_directline_open_streams',
      help: 'Open Direct Line WebSocket streams',
      registers: [this.registry],
      collect() {
        this.set(source());
      },
    });
    // The three outbox gauges are collected together on a scrape: they share one query.
    let shared: { at: number; figures: Promise<OutboxFigures | undefined> } | undefined;
    const outbox = (): Promise<OutboxFigures | undefined> => {
      const now = Date.now();
      if (!shared || now - shared.at > 1000) shared = { at: now, figures: Promise.resolve(this.outboxSource?.()) };
      return shared.figures;
    };
    const outboxGauge = (name: string, help: string, pick: (figures: OutboxFigures) => number) =>
      new Gauge({
        name,
        help,
        registers: [this.registry],
        async collect() {
          const figures = await outbox();
          if (figures) this.set(pick(figures));
        },
      });
    this.outboxPending = outboxGauge('ventanilla_outbox_pending', 'Outbox messages (mail, webhooks) waiting for delivery', (f) => f.pending);
    this.outboxDead = outboxGauge('ventanilla_outbox_dead', 'Outbox messages given up after the maximum attempts', (f) => f.dead);
    this.outboxOldestSeconds = outboxGauge(
      'ventanilla_outbox_oldest_pending_seconds',
      'Age of the oldest pending outbox message (delivery lag)',
      (f) => f.oldestPendingSeconds,
    );
    if (options.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry, prefix: 'ventanilla_' });
  }

  /** Where the open-streams gauge reads its value at scrape time. */
  countOpenStreamsWith(source: () => number): void {
    this.openStreamsSource = source;
  }

  /** Where the outbox gauges read their values at scrape time. */
  watchOutboxWith(source: () => Promise<OutboxFigures>): void {
    this.outboxSource = source;
  }

  /** Records one finished turn. */
  turnFinished(channel: string, seconds: number, ok: boolean): void {
    this.turns.inc({ channel, outcome: ok ? 'ok' : 'error' });
    this.turnDuration.observe({ channel }, seconds);
    if (!ok) this.errors.inc({ kind: 'turn' });
  }
}
