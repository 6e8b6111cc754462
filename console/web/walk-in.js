// «Registrar solicitud»: a request that came by letter (oficio) or in person goes into the same tickets as the
// bot's, with its channel. The form checks what it can; the server's details are shown by their fields.
import { ApiError } from './api.js';
import { randomId } from './agent-format.js';
import { field, h, nextId, replaceChildren, select, toast } from './dom.js';
import { errorBlock, messageOf } from './errors.js';
import { FormErrors } from './form-errors.js';
import { IMPACT_LABELS, REQUESTER_ROLE_LABELS, TICKET_KIND_LABELS, URGENCY_LABELS, WALK_IN_CHANNEL_LABELS, options } from './labels.js';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export class WalkInForm {
  constructor({ api, desk }) {
    this.api = api;
    this.desk = desk;
    this.clientId = randomId();
    this.saving = false;
  }

  render() {
    const groupList = nextId('walkin-groups');
    const channelName = nextId('walkin-channel');
    const c = (this.controls = {
      oficio: h('input', { type: 'radio', name: channelName, value: 'oficio', checked: true, id: `${channelName}-oficio`, 'data-path': 'channel' }),
      presencial: h('input', { type: 'radio', name: channelName, value: 'presencial', id: `${channelName}-presencial` }),
      reference: h('input', { type: 'text', autocomplete: 'off', maxlength: '100' }),
      name: h('input', { type: 'text', autocomplete: 'off', maxlength: '200' }),
      unitName: h('input', { type: 'text', autocomplete: 'off', maxlength: '200' }),
      role: select([['', 'Sin indicar'], ...options(REQUESTER_ROLE_LABELS)], ''),
      extension: h('input', { type: 'text', inputmode: 'numeric', autocomplete: 'off', maxlength: '10' }),
      email: h('input', { type: 'email', autocomplete: 'off', maxlength: '200', spellcheck: 'false' }),
      phone: h('input', { type: 'tel', autocomplete: 'off', maxlength: '25' }),
      kind: select(options(TICKET_KIND_LABELS), 'request'),
      description: h('textarea', { rows: '5', maxlength: '4000' }),
      serviceCode: h('input', { type: 'text', autocomplete: 'off', spellcheck: 'false', maxlength: '60', class: 'input--code' }),
      resolverGroup: h('input', { type: 'text', autocomplete: 'off', maxlength: '120', list: groupList }),
      urgency: select(options(URGENCY_LABELS), 'medium'),
      impact: select(options(IMPACT_LABELS), 'minor'),
    });
    this.referenceField = field({ label: 'Número de oficio', control: c.reference, path: 'reference', hint: 'Como aparece en el documento, p. ej. DG/0457/2026. Se agrega al inicio de la descripción.' });
    const syncChannel = () => {
      this.referenceField.hidden = !c.oficio.checked;
    };
    c.oficio.addEventListener('change', syncChannel);
    c.presencial.addEventListener('change', syncChannel);
    const groups = (this.desk?.snapshot?.groups ?? []).map((g) => g.name);

    this.summary = h('div', { class: 'notice notice--error form-summary', role: 'alert', tabindex: '-1', hidden: true });
    this.result = h('div', { class: 'walkin__result', role: 'status', 'aria-live': 'polite' });
    this.submit = h('button', { type: 'submit', class: 'btn btn--primary' }, 'Registrar solicitud');
    this.form = h(
      'form',
      { class: 'editor walkin', novalidate: true, 'aria-labelledby': 'walkin-title', onsubmit: (e) => this.onSubmit(e) },
      this.summary,
      h(
        'fieldset',
        { class: 'editor__section' },
        h('legend', { class: 'editor__legend' }, 'Cómo llegó'),
        h(
          'div',
          { class: 'choice__options', role: 'radiogroup', 'aria-label': 'Medio' },
          h('label', { class: 'choice__option' }, c.oficio, ` ${WALK_IN_CHANNEL_LABELS.oficio}`),
          h('label', { class: 'choice__option' }, c.presencial, ` ${WALK_IN_CHANNEL_LABELS.presencial}`),
        ),
        h('p', { class: 'field__error', 'data-error-for': 'channel', hidden: true }),
        this.referenceField,
      ),
      h(
        'fieldset',
        { class: 'editor__section' },
        h('legend', { class: 'editor__legend' }, 'Quién solicita'),
        h(
          'div',
          { class: 'grid' },
          field({ label: 'Nombre', control: c.name, path: 'requester.name', required: true }),
          field({ label: 'Unidad (escuela, centro o área)', control: c.unitName, path: 'requester.unitName' }),
          field({ label: 'Tipo de usuario', control: c.role, path: 'requester.role' }),
          field({ label: 'Extensión', control: c.extension, path: 'requester.extension' }),
          field({ label: 'Correo electrónico', control: c.email, path: 'requester.email', hint: 'Ahí recibe el número de ticket.' }),
          field({ label: 'Teléfono', control: c.phone, path: 'requester.phone' }),
        ),
        h('p', { class: 'field__error', 'data-error-for': 'requester', hidden: true }),
      ),
      h(
        'fieldset',
        { class: 'editor__section' },
        h('legend', { class: 'editor__legend' }, 'Qué solicita'),
        h(
          'div',
          { class: 'grid' },
          field({ label: 'Tipo', control: c.kind, path: 'kind', hint: 'Falla: algo dejó de funcionar. Petición: se solicita un servicio.' }),
          field({ label: 'Código de servicio', control: c.serviceCode, path: 'serviceCode', hint: 'Del catálogo, p. ej. CORREO-ALTA-CUENTA; opcional. Con él se asigna el grupo resolutor.' }),
          field({ label: 'Grupo resolutor', control: c.resolverGroup, path: 'resolverGroup', hint: 'Opcional si indicó el código de servicio.' }),
          field({ label: 'Urgencia', control: c.urgency, path: 'urgency' }),
          field({ label: 'Impacto', control: c.impact, path: 'impact', hint: 'A cuántas personas afecta.' }),
        ),
        field({ label: 'Descripción', control: c.description, path: 'description', required: true }),
        h('datalist', { id: groupList }, groups.map((g) => h('option', { value: g }))),
      ),
      h('div', { class: 'editor__actions' }, this.submit, h('button', { type: 'button', class: 'btn btn--secondary', onclick: () => this.reset() }, 'Limpiar')),
    );
    return h(
      'section',
      { class: 'panel' },
      h('h2', { id: 'walkin-title', tabindex: '-1' }, 'Registrar una solicitud por oficio o presencial'),
      h('p', { class: 'panel__lead' }, 'Para las solicitudes que llegan por escrito o que la persona hace en ventanilla. Quedan en los mismos tickets que las del bot, con el medio por el que llegaron.'),
      this.result,
      this.form,
    );
  }

  collect() {
    const c = this.controls;
    const text = (el) => el.value.trim();
    const requester = { name: text(c.name) };
    for (const key of ['unitName', 'extension', 'email', 'phone']) if (text(c[key])) requester[key] = text(c[key]);
    if (c.role.value) requester.role = c.role.value;
    const body = {
      channel: c.oficio.checked ? 'oficio' : 'presencial',
      kind: c.kind.value,
      description: text(c.description),
      urgency: c.urgency.value,
      impact: c.impact.value,
      requester,
      clientId: this.clientId,
    };
    if (text(c.serviceCode)) body.serviceCode = text(c.serviceCode).toUpperCase();
    if (text(c.resolverGroup)) body.resolverGroup = text(c.resolverGroup);
    if (body.channel === 'oficio' && text(c.reference)) body.reference = text(c.reference);
    return body;
  }

  problems(body) {
    const problems = [];
    if (!body.requester.name) problems.push({ path: 'requester.name', message: 'Escriba el nombre de quien solicita.' });
    if (body.requester.email && !EMAIL.test(body.requester.email)) problems.push({ path: 'requester.email', message: 'El correo no es válido.' });
    if (body.requester.extension && !/^\d{1,10}$/.test(body.requester.extension)) problems.push({ path: 'requester.extension', message: 'La extensión lleva solo dígitos (hasta 10).' });
    if (!body.description) problems.push({ path: 'description', message: 'Describa el problema o la petición.' });
    return problems;
  }

  async onSubmit(event) {
    event.preventDefault();
    if (this.saving) return;
    const errors = new FormErrors(this.form, this.summary);
    const body = this.collect();
    const problems = this.problems(body);
    if (problems.length > 0) {
      errors.show(problems);
      return;
    }
    errors.clear();
    this.saving = true;
    this.submit.disabled = true;
    this.submit.textContent = 'Registrando…';
    try {
      const { ticket } = await this.api.registerTicket(body);
      replaceChildren(
        this.result,
        h(
          'div',
          { class: 'notice notice--info' },
          h('p', { class: 'notice__title' }, 'Se registró la solicitud con el ticket ', h('strong', { 'data-ticket-number': ticket.number }, ticket.number), '.'),
          h('p', {}, 'Entregue el número a la persona (o anótelo en el acuse del oficio). El grupo resolutor se pondrá en contacto con ella.'),
        ),
      );
      toast(`Se registró el ticket ${ticket.number}.`);
      this.reset({ keepResult: true });
      this.result.querySelector('.notice')?.setAttribute('tabindex', '-1');
      this.result.querySelector('.notice')?.focus();
    } catch (error) {
      if (error instanceof ApiError && error.details.length > 0) errors.show(error.details, messageOf(error));
      else errors.message(errorBlock(error));
    } finally {
      this.saving = false;
      this.submit.disabled = false;
      this.submit.textContent = 'Registrar solicitud';
    }
  }

  reset({ keepResult = false } = {}) {
    const c = this.controls;
    for (const key of ['reference', 'name', 'unitName', 'extension', 'email', 'phone', 'description', 'serviceCode', 'resolverGroup']) c[key].value = '';
    c.role.value = '';
    c.kind.value = 'request';
    c.urgency.value = 'medium';
    c.impact.value = 'minor';
    c.oficio.checked = true;
    this.referenceField.hidden = false;
    new FormErrors(this.form, this.summary).clear();
    if (!keepResult) replaceChildren(this.result);
    // A new form is a new request: a new id, so it is not taken for a retry of the last one.
    this.clientId = randomId();
  }
}
