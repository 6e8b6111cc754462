import type { DialogTurnResult, WaterfallStepContext } from 'botbuilder-dialogs';
import type { Desk, PersonSlots } from '../../services/attention/desk';
import { normalizeUtterance } from '../interruptible.dialog';
import { messages } from '../messages/es-MX';
import { answerText, ask, AttentionIds, type Case, CLAIMED_IDENTITY_CHANNELS, formatPhone, identityOf, MAX_TRIES, say } from './case';
import type { ParsedSlots, SlotName, Understanding } from './understanding';

const m = messages.attention;
const ROLES_WITH_EXTENSION = new Set(['docente', 'administrativo']);
/** What a slot holds when the person never gave it: the ticket says so, the person's record stays empty. */
const NOT_GIVEN = 'Sin especificar';

/** «ana.lopez@ipn.mx» → «a•••@ipn.mx». */
function maskEmail(email: string): string {
  const at = email.indexOf('@');
  return at <= 0 ? '•••' : `${email[0]}•••${email.slice(at)}`;
}

/** A copy of the case that the answer step may change freely. */
function editable(c: Case): Case {
  return { ...c, profile: { ...c.profile, slots: { ...c.profile.slots }, unsure: [...(c.profile.unsure ?? [])] }, tries: { ...c.tries } };
}

/**
 * Identification (unit, role, extension — FO-CAU-01-01) and contact data (name, e-mail, phone — seed 002, operación 6)
 * as slot filling: one answer may carry several facts, only what is missing is asked, what an earlier conversation
 * left is confirmed instead, and every question gives up after {@link MAX_TRIES} so no conversation loops.
 */
export class SlotFilling {
  constructor(
    private readonly desk: Desk,
    private readonly understanding: Understanding,
  ) {}

  /** The slots the current group still needs, in the order they are asked. */
  missing(c: Case): SlotName[] {
    const s = c.profile.slots;
    const out: SlotName[] = [];
    if (c.group === 'identification') {
      if (!s.unitName) out.push('unit');
      if (!s.role) out.push('role');
      if (s.role && ROLES_WITH_EXTENSION.has(s.role) && !s.extension && !s.noExtension) out.push('extension');
      return out;
    }
    if (!s.name) out.push('name');
    // Both are asked; one is enough once the other was refused or failed twice.
    const emailDone = s.email || c.profile.noEmail || (s.phone && (c.tries.email ?? 0) >= MAX_TRIES);
    const phoneDone = s.phone || c.profile.noPhone || (s.email && (c.tries.phone ?? 0) >= MAX_TRIES);
    if (!emailDone) out.push('email');
    if (!phoneDone) out.push('phone');
    return out;
  }

  /** The slots the next question asks for together (the combined questions), else the first one missing. */
  private asked(missing: SlotName[]): SlotName[] {
    const [first] = missing;
    if (first === undefined) return [];
    if (first === 'unit' && missing.includes('role')) return ['unit', 'role'];
    if (first === 'name' && missing.includes('email') && missing.includes('phone')) return ['name', 'email', 'phone'];
    return [first];
  }

  async askStep(step: WaterfallStepContext<Case>, done: (step: WaterfallStepContext<Case>, c: Case) => Promise<DialogTurnResult>): Promise<DialogTurnResult> {
    const c = step.options;
    const prompt = (text: string, buttons: readonly string[] = []) => step.prompt(AttentionIds.prompt, { prompt: ask(text, buttons) });
    if (c.profile.unconfirmed && this.summary(c.profile.slots) !== '') {
      if (c.awaiting === 'changed') return prompt(m.whatChanged);
      const masked = CLAIMED_IDENTITY_CHANNELS.has(step.context.activity.channelId);
      return prompt(m.knownData(this.summary(c.profile.slots, masked)), [m.yes, m.no]);
    }
    if (c.unitCandidate) return prompt(m.unitConfirm(c.unitCandidate.name), [m.yes, m.no]);
    if (c.unitChoices) {
      const names = c.unitChoices.map((u) => u.name);
      return prompt(m.whichUnit(names), names);
    }
    if (c.emailSuggestion) return prompt(m.emailDidYouMean(c.emailSuggestion.suggested), [m.yes, m.no]);
    const missing = this.missing(c);
    const first = missing[0];
    if (first === undefined) return done(step, c);
    // An answer that was not valid (an e-mail without domain, a 9-digit phone): the explanation is the question.
    if (c.problem && missing.includes(c.problem.slot)) return prompt(c.problem.text);
    const retry = (c.tries[first] ?? 0) > 0;
    switch (first) {
      case 'unit':
        return prompt(retry ? m.unitRetry : missing.includes('role') ? m.askUnitAndRole : m.askUnit);
      case 'role':
        return prompt(retry ? m.roleRetry : m.askRole, m.roleOptions);
      case 'extension':
        return prompt(retry ? m.extensionRetry : m.askExtension, [m.noExtension]);
      case 'name':
        return prompt(retry ? m.nameRetry : missing.includes('email') && missing.includes('phone') ? m.askContactAll : m.askName);
      case 'email':
        return prompt(retry ? m.emailRetry : m.askEmail, [m.noEmail]);
      case 'phone':
        return prompt(retry ? m.phoneRetry : m.askPhone, [m.noPhone]);
    }
  }

  async answerStep(step: WaterfallStepContext<Case>): Promise<DialogTurnResult> {
    const c = editable(step.options);
    const text = answerText(step);
    const again = () => step.replaceDialog(AttentionIds.slots, c);

    if (c.profile.unconfirmed && this.summary(c.profile.slots) !== '') {
      await this.confirmKnown(step, c, text);
      return again();
    }
    if (c.unitCandidate) {
      const candidate = c.unitCandidate;
      delete c.unitCandidate;
      if (this.understanding.yesNo(text) === true) this.setUnit(c, candidate);
      else if (!this.absorb(c, this.understanding.identification(text, ['unit']))) this.failed(c, 'unit', text);
      return again();
    }
    if (c.unitChoices) {
      const choices = c.unitChoices;
      delete c.unitChoices;
      const folded = normalizeUtterance(text);
      const index = Number.parseInt(folded, 10);
      const picked =
        (/^\d+$/.test(folded) && index >= 1 && index <= choices.length ? choices[index - 1] : undefined) ??
        choices.find((u) => normalizeUtterance(u.name) === folded) ??
        this.understanding.unitAmong(text, choices);
      if (picked) this.setUnit(c, picked);
      else this.failed(c, 'unit', text);
      return again();
    }
    if (c.emailSuggestion) {
      const { suggested, typed } = c.emailSuggestion;
      delete c.emailSuggestion;
      const yes = this.understanding.yesNo(text);
      const parsed = this.understanding.identification(text, ['email']);
      if (yes === true) c.profile.slots.email = suggested;
      else if (parsed.email) c.profile.slots.email = parsed.email;
      // The same address again: the person means it.
      else if (parsed.invalidEmail && parsed.invalidEmail.toLowerCase() === typed.toLowerCase()) c.profile.slots.email = typed.toLowerCase();
      else if (yes === false || parsed.invalidEmail) {
        c.tries.email = (c.tries.email ?? 0) + 1;
        c.problem = { slot: 'email', text: m.emailInvalid };
      }
      return again();
    }

    delete c.problem;
    const missing = this.missing(c);
    const expect = this.asked(missing);
    const parsed = this.understanding.identification(text, expect);
    if (expect.includes('role') && !parsed.role) {
      const fromButton = this.understanding.roleFromOption(text);
      if (fromButton) parsed.role = fromButton;
    }
    // A bare «no tengo» answers the one thing asked.
    const refused = /^no (tengo|cuento)\b/.test(normalizeUtterance(text));
    if (refused && expect.length === 1 && expect[0] === 'email') parsed.noEmail = true;
    if (refused && expect.length === 1 && expect[0] === 'phone') parsed.noPhone = true;
    const learned = this.absorb(c, parsed);
    const s = c.profile.slots;
    if (parsed.invalidEmail && !s.email && !c.profile.noEmail) {
      c.tries.email = (c.tries.email ?? 0) + 1;
      if (parsed.emailSuggestion) c.emailSuggestion = { suggested: parsed.emailSuggestion, typed: parsed.invalidEmail };
      else if ((c.tries.email ?? 0) < MAX_TRIES) c.problem = { slot: 'email', text: m.emailInvalid };
    } else if (parsed.invalidPhone && !s.phone && !c.profile.noPhone) {
      c.tries.phone = (c.tries.phone ?? 0) + 1;
      if ((c.tries.phone ?? 0) < MAX_TRIES) c.problem = { slot: 'phone', text: m.phoneInvalid };
    } else if (!learned && missing[0] !== undefined) {
      this.failed(c, missing[0], text);
    }
    return again();
  }

  /** «Tengo estos datos suyos: … ¿Son correctos?» — sí (maybe with a correction), no (and what changed), or unclear. */
  private async confirmKnown(step: WaterfallStepContext<Case>, c: Case, text: string): Promise<void> {
    const parsed = this.understanding.identification(text);
    if (c.awaiting === 'changed') {
      if (this.absorb(c, parsed)) {
        await step.context.sendActivity(say(m.dataUpdated));
        c.profile.unconfirmed = false;
        delete c.awaiting;
      } else if ((c.tries.changed = (c.tries.changed ?? 0) + 1) >= MAX_TRIES) {
        // Nothing recognisable twice: ask everything again rather than keep data the person said is wrong.
        c.profile.slots = {};
        c.profile.unconfirmed = false;
        delete c.awaiting;
      }
      return;
    }
    const yes = this.understanding.yesNo(text);
    if (yes === undefined) {
      // Twice neither yes nor no: go on with the data (the person did not say it is wrong).
      if ((c.tries.confirm = (c.tries.confirm ?? 0) + 1) >= MAX_TRIES) c.profile.unconfirmed = false;
      return;
    }
    // «Sí, pero mi extensión ahora es 52041» / «No, ahora estoy en la UPIITA»: the correction may come with it.
    const changed = this.absorb(c, parsed);
    if (changed) await step.context.sendActivity(say(m.dataUpdated));
    if (yes || changed) c.profile.unconfirmed = false;
    else c.awaiting = 'changed';
  }

  private setUnit(c: Case, unit: { code: string; name: string }): void {
    c.profile.slots.unitCode = unit.code;
    c.profile.slots.unitName = unit.name;
  }

  /** Takes the facts of an answer into the profile; true when something new was learned. */
  absorb(c: Case, parsed: ParsedSlots, options: { candidates?: boolean } = {}): boolean {
    const slots = c.profile.slots;
    let learned = false;
    const set = <K extends keyof PersonSlots>(key: K, value: PersonSlots[K] | undefined) => {
      if (value === undefined || value === null || value === '') return;
      if (slots[key] !== value) learned = true;
      slots[key] = value;
      const unsure = c.profile.unsure ?? [];
      c.profile.unsure = unsure.filter((x) => x !== key && !(key === 'unitName' && x === 'unit'));
    };
    if (parsed.unit) {
      set('unitCode', parsed.unit.code);
      set('unitName', parsed.unit.name);
    } else if (options.candidates !== false && !slots.unitName && parsed.unitCandidate) {
      c.unitCandidate = parsed.unitCandidate;
      learned = true;
    } else if (options.candidates !== false && !slots.unitName && parsed.unitOptions && parsed.unitOptions.length > 1) {
      c.unitChoices = parsed.unitOptions.slice(0, 6);
      learned = true;
    }
    set('role', parsed.role);
    set('extension', parsed.extension);
    if (parsed.noExtension && !slots.extension && !slots.noExtension) {
      slots.noExtension = true;
      learned = true;
    }
    set('name', parsed.name);
    set('email', parsed.email);
    set('phone', parsed.phone);
    if (parsed.noEmail && !slots.email && !c.profile.noEmail) {
      c.profile.noEmail = true;
      learned = true;
    }
    if (parsed.noPhone && !slots.phone && !c.profile.noPhone) {
      c.profile.noPhone = true;
      learned = true;
    }
    return learned;
  }

  /** One more failed try at `slot`; after {@link MAX_TRIES} the script moves on with what it has. */
  private failed(c: Case, slot: SlotName, text: string): void {
    const tries = (c.tries[slot] = (c.tries[slot] ?? 0) + 1);
    if (tries < MAX_TRIES) return;
    const slots = c.profile.slots;
    const raw = text.replace(/\s+/g, ' ').trim().slice(0, 120);
    const unsure = (key: SlotName) => (c.profile.unsure = [...(c.profile.unsure ?? []), key]);
    switch (slot) {
      case 'unit':
        slots.unitName = raw.length >= 3 && this.understanding.yesNo(raw) === undefined ? raw : NOT_GIVEN;
        unsure('unit');
        break;
      case 'role':
        slots.role = 'otro';
        break;
      case 'extension':
        slots.noExtension = true;
        break;
      case 'name':
        slots.name = raw.length >= 3 && this.understanding.yesNo(raw) === undefined ? raw : NOT_GIVEN;
        unsure('name');
        break;
      case 'email':
        c.profile.noEmail = true;
        break;
      case 'phone':
        c.profile.noPhone = true;
        break;
    }
  }

  /** Stores what was learned as the person's (not what was only guessed), then goes on. */
  async finish(step: WaterfallStepContext<Case>, c: Case): Promise<DialogTurnResult> {
    const identity = identityOf(step.context);
    if (identity) {
      const { noExtension: _n, ...known } = c.profile.slots;
      const stored: PersonSlots = { ...known };
      for (const key of c.profile.unsure ?? []) {
        if (key === 'unit') {
          delete stored.unitName;
          delete stored.unitCode;
        } else {
          delete stored[key];
        }
      }
      c.profile.requesterId = await this.desk.savePerson(identity, stored);
    }
    const next = c.after ?? AttentionIds.treat;
    const { group: _g, after: _a, awaiting: _w, problem: _p, ...rest } = c;
    return step.replaceDialog(next, { ...rest, tries: {} });
  }

  /**
   * «Ana López Pérez, docente, Escuela Superior de Cómputo, extensión 52040, ana@ipn.mx, teléfono 55 1234 5678».
   * With `masked`, e-mail and phone are partly hidden («a•••@ipn.mx», «teléfono terminado en 5678»).
   */
  summary(slots: PersonSlots, masked = false): string {
    const parts: string[] = [];
    if (slots.name) parts.push(slots.name);
    if (slots.role) parts.push(this.understanding.roleLabel(slots.role));
    if (slots.unitName) parts.push(slots.unitName);
    if (slots.extension) parts.push(`extensión ${slots.extension}`);
    if (slots.email) parts.push(masked ? maskEmail(slots.email) : slots.email);
    if (slots.phone) parts.push(masked ? `teléfono terminado en ${slots.phone.slice(-4)}` : `teléfono ${formatPhone(slots.phone)}`);
    return parts.join(', ');
  }
}
