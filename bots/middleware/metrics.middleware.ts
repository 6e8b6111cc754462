import type { Middleware, TurnContext } from 'botbuilder';

/** Counts turns and their duration by channel; a turn that throws counts as an error. */
export class TurnMetricsMiddleware implements Middleware {
  constructor(private readonly sink: { turnFinished(channel: string, seconds: number, ok: boolean): void }) {
    if (!sink) throw new Error('TurnMetricsMiddleware: sink is required');
  }

  async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
    const started = process.hrtime.bigint();
    const channel = context.activity.channelId || 'unknown';
    let ok = false;
    try {
      await next();
      ok = true;
    } finally {
      this.sink.turnFinished(channel, Number(process.hrtime.bigint() - started) / 1e9, ok);
    }
  }
}
