import type { DialogTurnResult, WaterfallStepContext } from 'botbuilder-dialogs';
import type { Desk, DeskTicket } from '../../services/attention/desk';
import { RateLimiter } from '../../services/http/rate-limiter';
import { STATUS_LABELS } from '../../services/tickets/ticket.service';
import type { RequestDialogResult } from '../main.dialog';
import { messages } from '../messages/es-MX';
import { answerText, ask, AttentionIds, type Case, CLAIMED_IDENTITY_CHANNELS, identityOf, recordOutcome, say } from './case';
import type { Understanding } from './understanding';

const m = messages.attention;

/**
 * «¿Cómo va mi reporte CAU-2026-000123?»: the status, last update and resolver group, told only to the requester —
 * the same channel identity, the conversation that registered it, or someone who gives the e-mail or phone on file.
 * Anyone else is asked the same question and gets the same refusal whether the number exists or not.
 */
/** «Su reporte CAU-2026-000123 («…») está en estado «En proceso». Última actualización: …. Lo atiende el grupo «…».» */
export function statusText(ticket: DeskTicket, timeZone: string): string {
  const updated = new Intl.DateTimeFormat('es-MX', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZone,
  }).format(ticket.updatedAt);
  const status = STATUS_LABELS[ticket.status as keyof typeof STATUS_LABELS] ?? ticket.status;
  return m.status({ number: ticket.number, service: ticket.serviceName ?? 'Sin servicio', status, updated, group: ticket.resolverGroup ?? 'Mesa de Ayuda' });
}

export class StatusLookup {
  /** Proofs tried per ticket number (5 at once, then one every 10 minutes), so a number cannot be guessed at. */
  private readonly proofs = new RateLimiter(0.1, 5);

  constructor(
    private readonly desk: Desk,
    private readonly understanding: Understanding,
    private readonly result: (c: Case, summary: string | null) => RequestDialogResult,
  ) {}

  async askNumberStep(step: WaterfallStepContext<Case>): Promise<DialogTurnResult> {
    const c = step.options;
    if (c.ticketNumber) return step.next(c.ticketNumber);
    const retry = (c.tries.answer ?? 0) > 0;
    return step.prompt(AttentionIds.prompt, { prompt: ask(retry ? m.ticketNumberRetry : m.askTicketNumber) });
  }

  async numberStep(step: WaterfallStepContext<Case>): Promise<DialogTurnResult> {
    const c = step.options;
    const number = c.ticketNumber ?? this.understanding.ticketNumbers(answerText(step))[0];
    if (!number) {
      if ((c.tries.answer ?? 0) >= 1) {
        await step.context.sendActivity(say(m.noTicketNumber));
        return step.endDialog(this.result(c, null));
      }
      return step.replaceDialog(AttentionIds.status, { ...c, tries: { answer: 1 } });
    }
    const ticket = await this.desk.findTicket(number);
    const conversationId = step.context.activity.conversation.id;
    const owner =
      ticket !== null &&
      ((ticket.requesterId !== null && ticket.requesterId === c.profile.requesterId) || ticket.conversationId === conversationId);
    if (ticket && owner) return this.tell(step, c, ticket);
    return step.replaceDialog(AttentionIds.verify, { ...c, ticketNumber: number, tries: {} });
  }

  async askVerifyStep(step: WaterfallStepContext<Case>): Promise<DialogTurnResult> {
    return step.prompt(AttentionIds.prompt, { prompt: ask(m.verifyOwner) });
  }

  async verifyStep(step: WaterfallStepContext<Case>): Promise<DialogTurnResult> {
    const c = step.options;
    const parsed = this.understanding.identification(answerText(step), ['email', 'phone']);
    // Over the limit, even a right answer gets the same refusal: nothing tells the guesser they were close.
    const allowed = this.proofs.take((c.ticketNumber ?? '').toUpperCase()) === 0;
    const ticket = c.ticketNumber && allowed ? await this.desk.findTicket(c.ticketNumber) : null;
    const onFile = ticket?.requester ?? {};
    const email = typeof onFile.email === 'string' ? onFile.email.toLowerCase() : undefined;
    const phone = typeof onFile.phone === 'string' ? onFile.phone : undefined;
    const byEmail = parsed.email !== undefined && email !== undefined && parsed.email.toLowerCase() === email;
    const byPhone = parsed.phone !== undefined && phone !== undefined && parsed.phone === phone;
    const proven = ticket !== null && (byEmail || byPhone);
    // Where identities can be linked, knowing the address is not enough: a code goes to it, and typing it back links
    // this channel to the requester. The answer is the same whether the data matched or not.
    const identity = identityOf(step.context);
    if (identity && !CLAIMED_IDENTITY_CHANNELS.has(identity.kind) && this.desk.canLink?.() && (parsed.email !== undefined || parsed.phone !== undefined)) {
      if (ticket && proven && ticket.requesterId && this.desk.startLink) {
        const target = byEmail ? { kind: 'email' as const, value: email! } : { kind: 'phone' as const, value: phone! };
        await this.desk.startLink(identity, ticket.requesterId, target);
      }
      return step.replaceDialog(AttentionIds.code, { ...c, tries: {} });
    }
    if (ticket && proven) return this.tell(step, c, ticket);
    await step.context.sendActivity(say(m.statusRefused));
    return step.endDialog(this.result(c, null));
  }

  async askCodeStep(step: WaterfallStepContext<Case>): Promise<DialogTurnResult> {
    const retry = (step.options.tries.answer ?? 0) > 0;
    return step.prompt(AttentionIds.prompt, { prompt: ask(retry ? m.codeRetry : m.codeSent) });
  }

  /** The code typed back: the channel identity is linked to the requester, and the status told. */
  async codeStep(step: WaterfallStepContext<Case>): Promise<DialogTurnResult> {
    const c = step.options;
    const identity = identityOf(step.context);
    const requesterId = identity && this.desk.confirmLink ? await this.desk.confirmLink(identity, answerText(step)) : null;
    const ticket = requesterId && c.ticketNumber ? await this.desk.findTicket(c.ticketNumber) : null;
    if (requesterId && ticket && ticket.requesterId !== null && (await this.sameRequester(ticket.requesterId, requesterId))) {
      const next: Case = { ...c, profile: { ...c.profile, requesterId } };
      await step.context.sendActivity(say(m.linked));
      return this.tell(step, next, ticket);
    }
    if ((c.tries.answer ?? 0) < 1) return step.replaceDialog(AttentionIds.code, { ...c, tries: { answer: 1 } });
    await step.context.sendActivity(say(m.statusRefused));
    return step.endDialog(this.result(c, null));
  }

  /** The ticket's requester is the one linked (or was merged into it). */
  private async sameRequester(ticketRequester: string, linked: string): Promise<boolean> {
    if (ticketRequester === linked) return true;
    return (await this.desk.survivorOf?.(ticketRequester)) === linked;
  }

  private async tell(step: WaterfallStepContext<Case>, c: Case, ticket: DeskTicket): Promise<DialogTurnResult> {
    await step.context.sendActivity(say(statusText(ticket, this.desk.timeZone)));
    await recordOutcome(this.desk, step.context, c, 'status_lookup', ticket.id);
    return step.endDialog(this.result(c, m.summaryStatus(ticket.number)));
  }
}
