// One entry of the directory: create, edit, take out (baja) and bring back. The server checks every rule (unique
// extension and name, SIP and phone formats, a PIN for outbound calls) and its `details` are shown by each field.
import { ApiError } from './api.js';
import { AVAILABILITY_LABELS, DIRECTORY_KIND_LABELS, GENDER_LABELS, ROUTE_KIND_LABELS } from './directory-labels.js';
import { field, h, nextId, select, toast } from './dom.js';
import { errorBlock, messageOf } from './errors.js';
import { FormErrors } from './form-errors.js';
import { options } from './labels.js';

const EMPTY = {
  kind: 'person',
  name: '',
  title: null,
  gender: null,
  area: null,
  position: null,
  aliases: [],
  extension: null,
  phone: null,
  email: null,
  availability: 'available',
  availabilityNote: null,
  route: null,
  outboundAllowed: false,
  hasPin: false,
  active: true,
};

const text = (control) => control.value.trim() || null;

export class DirectoryEditor {
  /** `id`: the entry to edit, or null for a new one. */
  constructor({ view, api, navigate, confirm }, id) {
    this.view = view;
    this.api = api;
    this.navigate = navigate;
    this.confirm = confirm;
    this.id = id;
    this.entry = id === null ? null : (view.entries ?? []).find((e) => e.id === id) ?? null;
    this.title = id === null ? 'Nueva entrada del directorio' : this.entry ? this.entry.name : 'Entrada no encontrada';
    this.saving = false;
  }

  render() {
    if (this.id !== null && !this.entry) {
      return h(
        'section',
        { class: 'panel' },
        h('h2', { tabindex: '-1' }, 'Entrada no encontrada'),
        h('p', {}, 'El directorio no tiene esa entrada.'),
        h('a', { href: this.view.path(''), class: 'btn btn--secondary' }, 'Volver al directorio'),
      );
    }
    const e = this.entry ?? EMPTY;
    const route = e.route ?? { kind: '' };
    const areas = [...new Set((this.view.entries ?? []).filter((x) => x.kind === 'area' && x.active).map((x) => x.name))].sort((a, b) => a.localeCompare(b, 'es'));
    const areaList = nextId('areas');
    const c = (this.controls = {
      kind: select(options(DIRECTORY_KIND_LABELS), e.kind),
      name: h('input', { type: 'text', value: e.name, autocomplete: 'off', maxlength: '200' }),
      title: h('input', { type: 'text', value: e.title ?? '', autocomplete: 'off', maxlength: '20', placeholder: 'Lic., Ing., Dra., C.P.' }),
      gender: select(options(GENDER_LABELS), e.gender ?? ''),
      area: h('input', { type: 'text', value: e.area ?? '', autocomplete: 'off', maxlength: '200', list: areaList }),
      position: h('input', { type: 'text', value: e.position ?? '', autocomplete: 'off', maxlength: '200' }),
      aliases: h('textarea', { rows: '3', spellcheck: 'false' }),
      extension: h('input', { type: 'text', value: e.extension ?? '', inputmode: 'numeric', autocomplete: 'off', maxlength: '8', class: 'input--code' }),
      phone: h('input', { type: 'tel', value: e.phone ?? '', autocomplete: 'off', maxlength: '25' }),
      email: h('input', { type: 'email', value: e.email ?? '', autocomplete: 'off', maxlength: '200' }),
      availability: select(options(AVAILABILITY_LABELS), e.availability),
      availabilityNote: h('input', { type: 'text', value: e.availabilityNote ?? '', autocomplete: 'off', maxlength: '300', placeholder: 'Está de vacaciones hasta el 3 de diciembre.' }),
      routeKind: select(options(ROUTE_KIND_LABELS), route.kind),
      sipUri: h('input', { type: 'text', value: route.kind === 'sip' ? route.uri : '', autocomplete: 'off', spellcheck: 'false', class: 'input--code', placeholder: 'sip:42500@pbx.ejemplo.gob.mx' }),
      number: h('input', { type: 'tel', value: route.kind === 'pstn' ? route.number : '', autocomplete: 'off', class: 'input--code', placeholder: '+525553001234' }),
      sendDigits: h('input', { type: 'text', value: route.kind === 'pstn' ? route.sendDigits ?? '' : '', autocomplete: 'off', class: 'input--code', placeholder: 'ww42500' }),
      outboundAllowed: h('input', { type: 'checkbox', checked: e.outboundAllowed, 'data-path': 'outboundAllowed' }),
      pin: h('input', { type: 'password', value: '', inputmode: 'numeric', autocomplete: 'new-password', maxlength: '8', class: 'input--code' }),
      removePin: h('input', { type: 'checkbox', checked: false }),
    });
    c.aliases.value = e.aliases.join('\n');
    this.sipField = field({ label: 'Dirección SIP', control: c.sipUri, path: 'route.uri', hint: 'La extensión en el conmutador (Asterisk u otro).' });
    this.pstnFields = h(
      'div',
      { class: 'grid' },
      field({ label: 'Número', control: c.number, path: 'route.number', hint: 'En formato internacional.' }),
      field({ label: 'Dígitos a enviar al contestar', control: c.sendDigits, path: 'route.sendDigits', hint: '«w» espera medio segundo: ww42500 marca la extensión 42500.' }),
    );
    const showRoute = () => {
      this.sipField.hidden = c.routeKind.value !== 'sip';
      this.pstnFields.hidden = c.routeKind.value !== 'pstn';
    };
    c.routeKind.addEventListener('change', showRoute);
    showRoute();

    this.summary = h('div', { class: 'notice notice--error form-summary', role: 'alert', tabindex: '-1', hidden: true });
    const checkbox = (control, text, path, hint) =>
      h(
        'div',
        { class: 'field field--checkbox' },
        control,
        h('label', { for: this.ensureId(control) }, text),
        hint ? h('p', { class: 'field__hint' }, hint) : null,
        h('p', { class: 'field__error', 'data-error-for': path, hidden: true }),
      );
    this.form = h(
      'form',
      { class: 'editor', novalidate: true, 'aria-labelledby': 'directory-editor-title', onsubmit: (ev) => this.onSubmit(ev) },
      this.summary,
      h(
        'fieldset',
        { class: 'editor__section' },
        h('legend', { class: 'editor__legend' }, '¿Quién es?'),
        h(
          'div',
          { class: 'grid' },
          field({ label: 'Tipo', control: c.kind, path: 'kind' }),
          field({ label: 'Nombre', control: c.name, path: 'name', required: true, hint: 'Completo: nombre(s) y apellidos, o el nombre del área.' }),
          field({ label: 'Título', control: c.title, path: 'title', hint: 'Se dice antes del nombre: «la Lic. María Pérez».' }),
          field({ label: 'Género', control: c.gender, path: 'gender', hint: 'Para decir «la» o «el» antes del título.' }),
          field({ label: 'Área', control: c.area, path: 'area', hint: 'El área a la que pertenece (de un área: el área superior).' }),
          field({ label: 'Puesto', control: c.position, path: 'position' }),
        ),
        field({ label: 'Alias', control: c.aliases, path: 'aliases', hint: 'Otros nombres con que la piden, uno por renglón: «RH», «personal», «Lupita».' }),
        h('datalist', { id: areaList }, areas.map((a) => h('option', { value: a }))),
      ),
      h(
        'fieldset',
        { class: 'editor__section' },
        h('legend', { class: 'editor__legend' }, 'Cómo se le localiza'),
        h(
          'div',
          { class: 'grid' },
          field({ label: 'Extensión', control: c.extension, path: 'extension', hint: 'Solo dígitos.' }),
          field({ label: 'Teléfono', control: c.phone, path: 'phone', hint: 'Se da por chat junto con la extensión.' }),
          field({ label: 'Correo electrónico', control: c.email, path: 'email' }),
          field({ label: 'Disponibilidad', control: c.availability, path: 'availability' }),
        ),
        field({ label: 'Nota de disponibilidad', control: c.availabilityNote, path: 'availabilityNote', hint: 'Se le dice a quien llama cuando no está disponible.' }),
        field({ label: 'Ruta de la llamada', control: c.routeKind, path: 'route' }),
        this.sipField,
        this.pstnFields,
      ),
      h(
        'fieldset',
        { class: 'editor__section' },
        h('legend', { class: 'editor__legend' }, 'Llamadas al exterior'),
        checkbox(c.outboundAllowed, 'Puede pedir llamadas al exterior', 'outboundAllowed', 'Personal interno que pide a la mesa llamar en su nombre; se verifica con su extensión y su NIP, y cada llamada queda registrada.'),
        field({ label: e.hasPin ? 'NIP nuevo' : 'NIP', control: c.pin, path: 'pin', hint: e.hasPin ? 'Tiene NIP. Déjelo vacío para conservarlo.' : 'De 4 a 8 dígitos.' }),
        e.hasPin ? checkbox(c.removePin, 'Quitar el NIP', 'removePin') : null,
      ),
      this.renderActions(e),
    );
    const onChange = () => this.updateDirty();
    for (const control of Object.values(c)) {
      control.addEventListener('input', onChange);
      control.addEventListener('change', onChange);
    }
    this.initial = JSON.stringify(this.collect());
    this.dirtyNote = h('p', { class: 'editor__dirty', 'aria-live': 'polite' });
    return h(
      'section',
      { class: 'panel' },
      h('p', { class: 'breadcrumb' }, h('a', { href: this.view.path('') }, '← Directorio')),
      h(
        'div',
        { class: 'panel__header' },
        h('h2', { id: 'directory-editor-title', tabindex: '-1' }, this.entry ? `Editar: ${this.entry.name}` : 'Nueva entrada'),
        this.entry ? (this.entry.active ? h('span', { class: 'badge badge--ok' }, 'Activa') : h('span', { class: 'badge badge--muted' }, 'Dada de baja')) : null,
      ),
      this.dirtyNote,
      this.form,
    );
  }

  ensureId(el) {
    if (!el.id) el.id = nextId('f');
    return el.id;
  }

  renderActions(e) {
    const buttons = [
      h('button', { type: 'submit', class: 'btn btn--primary' }, 'Guardar'),
      h('button', { type: 'button', class: 'btn btn--secondary', onclick: () => this.navigate(this.view.path('')) }, 'Cancelar'),
    ];
    if (this.entry) {
      buttons.push(
        h('span', { class: 'editor__spacer' }),
        e.active
          ? h('button', { type: 'button', class: 'btn btn--danger', onclick: () => this.remove() }, 'Dar de baja…')
          : h('button', { type: 'button', class: 'btn btn--secondary', onclick: () => this.reactivate() }, 'Reactivar'),
      );
    }
    return h('div', { class: 'editor__actions' }, buttons);
  }

  /** The entry as the form has it now, in the API's shape. */
  collect() {
    const c = this.controls;
    let route = null;
    if (c.routeKind.value === 'sip') route = { kind: 'sip', uri: c.sipUri.value.trim() };
    if (c.routeKind.value === 'pstn') route = { kind: 'pstn', number: c.number.value.trim(), ...(c.sendDigits.value.trim() ? { sendDigits: c.sendDigits.value.trim() } : {}) };
    const body = {
      kind: c.kind.value,
      name: c.name.value.trim(),
      title: text(c.title),
      gender: c.gender.value || null,
      area: text(c.area),
      position: text(c.position),
      aliases: c.aliases.value.split('\n').map((a) => a.trim()).filter(Boolean),
      extension: text(c.extension),
      phone: text(c.phone),
      email: text(c.email),
      availability: c.availability.value,
      availabilityNote: text(c.availabilityNote),
      route,
      outboundAllowed: c.outboundAllowed.checked,
    };
    if (c.pin.value) body.pin = c.pin.value;
    else if (c.removePin.checked) body.pin = null;
    return body;
  }

  isDirty() {
    return Boolean(this.controls) && !this.saving && JSON.stringify(this.collect()) !== this.initial;
  }

  updateDirty() {
    if (this.dirtyNote) this.dirtyNote.textContent = this.isDirty() ? 'Cambios sin guardar.' : '';
  }

  async canLeave() {
    if (!this.isDirty()) return true;
    return this.confirm({ title: 'Cambios sin guardar', message: 'Esta entrada tiene cambios que no se han guardado. ¿Desea salir y perderlos?', confirmLabel: 'Salir sin guardar', danger: true });
  }

  async onSubmit(event) {
    event.preventDefault();
    const body = this.collect();
    const errors = new FormErrors(this.form, this.summary);
    if (!body.name) {
      errors.show([{ path: 'name', message: 'Escriba el nombre.' }]);
      return;
    }
    await this.send(errors, () => (this.entry ? this.api.request('PUT', `/api/directory/${this.entry.id}`, body) : this.api.request('POST', '/api/directory', body)), `Se guardó ${body.name} en el directorio.`);
  }

  async send(errors, call, message) {
    if (this.saving) return;
    errors.clear();
    this.saving = true;
    const submit = this.form.querySelector('button[type="submit"]');
    submit.disabled = true;
    try {
      const { entry } = await call();
      this.view.applyEntry(entry);
      toast(message);
      await this.navigate(this.view.path(''), { force: true });
    } catch (error) {
      this.saving = false;
      submit.disabled = false;
      if (error instanceof ApiError && error.details.length > 0) errors.show(error.details, messageOf(error));
      else errors.message(errorBlock(error));
    }
  }

  async remove() {
    const ok = await this.confirm({
      title: `Dar de baja a ${this.entry.name}`,
      message: 'Dejará de aparecer en las búsquedas del conmutador y su extensión quedará libre. Se conserva para el historial y se puede reactivar.',
      confirmLabel: 'Dar de baja',
      danger: true,
    });
    if (!ok) return;
    await this.send(new FormErrors(this.form, this.summary), () => this.api.request('DELETE', `/api/directory/${this.entry.id}`), `Se dio de baja a ${this.entry.name}.`);
  }

  async reactivate() {
    await this.send(new FormErrors(this.form, this.summary), () => this.api.request('PUT', `/api/directory/${this.entry.id}`, { active: true }), `Se reactivó a ${this.entry.name}.`);
  }
}
