// «Teléfono para llamadas»: where a phone call the agent accepts rings (their own phone number or a SIP address of
// the PBX). Shown beside the presence, with a dialog to change it and a warning while there is none: without it,
// the server refuses to hand them a call.
import { ApiError } from './api.js';
import { field, h, replaceChildren, toast } from './dom.js';
import { openDialog } from './modal.js';

/** «+525512345678» → «+52 55 1234 5678»; other routes (SIP, other countries) as stored. */
export function describeRoute(route) {
  const mx = /^\+52(\d{2})(\d{4})(\d{4})$/.exec(route ?? '');
  return mx ? `+52 ${mx[1]} ${mx[2]} ${mx[3]}` : String(route ?? '');
}

/** The agent's phone in the status bar: its text, a button to change it, and the warning when there is none. */
export class PhoneSetting {
  /** `snapshotRoute()`: the route the last snapshot says (it may lag a moment behind a change made here). */
  constructor({ api, snapshotRoute }) {
    this.api = api;
    this.snapshotRoute = snapshotRoute;
    /** What this page last read or wrote itself; undefined = trust the snapshot. */
    this.known = undefined;
    this.value = h('span', { class: 'agent-phone__value', 'data-phone-route': '' });
    this.button = h('button', { type: 'button', class: 'btn btn--secondary btn--small', onclick: () => this.edit() }, 'Cambiar');
    this.item = h(
      'p',
      { class: 'statusbar__item agent-phone' },
      h('span', { class: 'agent-phone__label' }, 'Teléfono para llamadas: '),
      this.value,
      ' ',
      this.button,
    );
    this.warning = h('div', { class: 'agent-phone-warning', 'aria-live': 'polite' });
  }

  route() {
    return this.known !== undefined ? this.known : (this.snapshotRoute() ?? null);
  }

  /** The server told us (e.g. refusing a call): no snapshot is needed to show it. */
  learned(route) {
    this.known = route ?? null;
    this.render();
  }

  render() {
    // Once the snapshots agree with what this page wrote, follow them again (a coordinator may change it later).
    if (this.known !== undefined && (this.snapshotRoute() ?? null) === this.known) this.known = undefined;
    const route = this.route();
    this.value.textContent = route ? describeRoute(route) : 'sin configurar';
    this.value.dataset.phoneRoute = route ?? '';
    this.value.classList.toggle('agent-phone__value--missing', !route);
    this.button.textContent = route ? 'Cambiar' : 'Configurar';
    this.button.setAttribute('aria-label', route ? 'Cambiar el teléfono para llamadas' : 'Configurar el teléfono para llamadas');
    if (route) {
      replaceChildren(this.warning);
      return;
    }
    if (this.warning.firstChild) return;
    replaceChildren(
      this.warning,
      h(
        'div',
        { class: 'notice notice--warning agent-phone-warning__notice', 'data-phone-warning': '' },
        h('p', { class: 'notice__title' }, 'Configure su teléfono para atender llamadas'),
        h(
          'p',
          {},
          'Cuando acepte una llamada de la fila, Ventanilla marca a su teléfono o a su extensión y le comunica con la persona; sin él no puede aceptar llamadas. ',
          h('button', { type: 'button', class: 'btn btn--primary btn--small', onclick: () => this.edit() }, 'Configurar teléfono'),
        ),
      ),
    );
  }

  /** The dialog that sets or clears the phone; an empty field clears it. */
  async edit() {
    const current = this.route();
    const input = h('input', {
      type: 'text',
      value: current ?? '',
      autocomplete: 'tel',
      inputmode: 'tel',
      spellcheck: 'false',
      maxlength: '255',
      placeholder: '55 1234 5678',
    });
    const row = field({
      label: 'Teléfono o dirección SIP',
      control: input,
      path: 'route',
      hint: 'Un teléfono de 10 dígitos (55 1234 5678), uno de otro país con «+» y su clave (+1 202 555 0100), o la dirección SIP de su extensión (sip:42500@pbx.ejemplo.gob.mx). Déjelo vacío para quitarlo.',
    });
    const errorSlot = row.querySelector('[data-error-for]');
    let saved;
    const ok = await openDialog({
      title: 'Teléfono para llamadas',
      body: h('div', {}, h('p', { class: 'field__hint' }, 'Ahí le sonarán las llamadas que acepte.'), row),
      confirmLabel: 'Guardar',
      onConfirm: async () => {
        errorSlot.hidden = true;
        replaceChildren(errorSlot);
        input.removeAttribute('aria-invalid');
        const text = input.value.trim();
        try {
          const res = await this.api.request('PUT', '/api/handoff/me/phone', { route: text === '' ? null : text });
          saved = res.route ?? null;
        } catch (error) {
          const problem = error instanceof ApiError ? error.details.find((d) => d.path === 'route') : undefined;
          if (!problem) throw error;
          // Next to the field, where the person is looking; the dialog's alert says there is something to fix.
          errorSlot.hidden = false;
          errorSlot.textContent = problem.message;
          input.setAttribute('aria-invalid', 'true');
          input.focus();
          throw new ApiError(400, 'BadArgument', 'Revise el teléfono para llamadas.');
        }
      },
    });
    if (!ok) return;
    this.learned(saved);
    toast(saved ? `Sus llamadas sonarán en ${describeRoute(saved)}.` : 'Quitó su teléfono para llamadas: no podrá aceptar llamadas.', saved ? 'success' : 'info');
  }
}
