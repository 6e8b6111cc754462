// One service of the draft: create, edit, rename, activate/deactivate, delete. The browser checks the rules it
// can (required fields, code pattern and uniqueness, examples, choice options) before saving; whatever the server
// still finds comes back as `details` and is shown next to the field it names.
import { ApiError } from './api.js';
import { serviceProblems } from './catalog-rules.js';
import { DiagnosticsEditor } from './diagnostics-editor.js';
import { field, h, nextId, select, toast } from './dom.js';
import { errorBlock, messageOf } from './errors.js';
import { FormErrors } from './form-errors.js';
import { KIND_LABELS, RECOMMENDED_EXAMPLES, SCOPE_LABELS, URGENCY_LABELS, options } from './labels.js';
import { TextListEditor } from './list-editor.js';

const EMPTY_SERVICE = {
  code: '',
  name: '',
  category: '',
  scope: 'sai',
  kind: 'request',
  resolverGroup: '',
  examples: [],
  selfHelp: [],
  diagnostics: [],
  defaultUrgency: 'medium',
  active: true,
  requiresAgent: false,
};

export class ServiceEditor {
  /** `code`: the service to edit, or null for a new one. */
  constructor({ view, api, navigate, confirm }, code) {
    this.view = view;
    this.api = api;
    this.navigate = navigate;
    this.confirm = confirm;
    this.originalCode = code;
    this.service = code === null ? null : view.draft.catalog.services.find((s) => s.code === code) ?? null;
    this.title = code === null ? 'Nuevo servicio' : `Servicio ${code}`;
    this.saving = false;
  }

  render() {
    if (this.originalCode !== null && !this.service) {
      return h(
        'section',
        { class: 'panel' },
        h('h2', { tabindex: '-1' }, 'Servicio no encontrado'),
        h('p', {}, `El borrador no tiene un servicio con el código ${this.originalCode}. Quizá se eliminó o se le cambió el código.`),
        h('a', { href: this.view.path(''), class: 'btn btn--secondary' }, 'Volver a la lista de servicios'),
      );
    }
    const s = structuredClone(this.service ?? EMPTY_SERVICE);
    const services = this.view.draft.catalog.services;
    const distinct = (key) => [...new Set(services.map((x) => x[key]).filter(Boolean))].sort((a, b) => a.localeCompare(b, 'es'));

    const c = (this.controls = {
      code: h('input', { type: 'text', value: s.code, autocomplete: 'off', spellcheck: 'false', maxlength: '60', class: 'input--code' }),
      name: h('input', { type: 'text', value: s.name, autocomplete: 'off', maxlength: '200' }),
      category: h('input', { type: 'text', value: s.category, autocomplete: 'off', maxlength: '120', list: nextId('categories') }),
      resolverGroup: h('input', { type: 'text', value: s.resolverGroup, autocomplete: 'off', maxlength: '120', list: nextId('groups') }),
      scope: select(options(SCOPE_LABELS), s.scope),
      kind: select(options(KIND_LABELS), s.kind),
      defaultUrgency: select(options(URGENCY_LABELS), s.defaultUrgency),
      active: h('input', { type: 'checkbox', checked: s.active, 'data-path': 'active' }),
      requiresAgent: h('input', { type: 'checkbox', checked: s.requiresAgent === true, 'data-path': 'requiresAgent', 'aria-describedby': nextId('requires-agent-hint') }),
    });
    const requiresAgentHint = c.requiresAgent.getAttribute('aria-describedby');
    const datalist = (id, values) => h('datalist', { id }, values.map((v) => h('option', { value: v })));

    const onChange = () => this.updateDirty();
    this.examples = new TextListEditor({
      legend: 'Ejemplos de cómo lo piden',
      path: 'examples',
      items: s.examples,
      itemLabel: (n) => `Ejemplo ${n}`,
      newLabel: 'Nuevo ejemplo',
      addLabel: 'Agregar ejemplo',
      hint: 'Frases reales, como las escribe o dice la gente. El bot aprende de ellas a reconocer el servicio.',
      countText: (n) => `(${n} ${n === 1 ? 'ejemplo' : 'ejemplos'})`,
      warning: (n) => (n > 0 && n < RECOMMENDED_EXAMPLES ? `Se recomiendan al menos ${RECOMMENDED_EXAMPLES} ejemplos para que el bot reconozca bien el servicio (faltan ${RECOMMENDED_EXAMPLES - n}).` : null),
      onChange,
    });
    this.selfHelp = new TextListEditor({
      legend: 'Pasos de autoayuda',
      path: 'selfHelp',
      items: s.selfHelp,
      itemLabel: (n) => `Paso ${n}`,
      newLabel: 'Nuevo paso',
      addLabel: 'Agregar paso',
      hint: 'Lo que el bot propone, en orden, para resolver en primer nivel. Ctrl+Enter agrega el paso.',
      multiline: true,
      reorder: true,
      onChange,
    });
    this.diagnostics = new DiagnosticsEditor({ items: s.diagnostics, onChange });

    this.summary = h('div', { class: 'notice notice--error form-summary', role: 'alert', tabindex: '-1', hidden: true });
    this.form = h(
      'form',
      { class: 'editor', novalidate: true, 'aria-labelledby': 'editor-title', onsubmit: (e) => this.onSubmit(e) },
      this.summary,
      h(
        'fieldset',
        { class: 'editor__section' },
        h('legend', { class: 'editor__legend' }, 'Datos generales'),
        h(
          'div',
          { class: 'grid' },
          field({ label: 'Código', control: c.code, path: 'code', required: true, hint: 'MAYÚSCULAS, dígitos y guiones, p. ej. CORREO-CONTRASENA.' }),
          field({ label: 'Nombre', control: c.name, path: 'name', required: true }),
          field({ label: 'Categoría', control: c.category, path: 'category', required: true }),
          field({ label: 'Grupo resolutor', control: c.resolverGroup, path: 'resolverGroup', required: true, hint: 'El área de segundo nivel que atiende los tickets.' }),
          field({ label: 'Ámbito', control: c.scope, path: 'scope', hint: 'Ticket: está en el catálogo de tickets (sai). Informativo: se registra en CAU_INFORMATIVO_04A.' }),
          field({ label: 'Tipo', control: c.kind, path: 'kind', hint: 'Falla: algo dejó de funcionar. Petición: se solicita un servicio. Ambos: el bot pregunta.' }),
          field({ label: 'Urgencia predeterminada', control: c.defaultUrgency, path: 'defaultUrgency' }),
        ),
        h(
          'div',
          { class: 'field field--checkbox' },
          c.active,
          h('label', { for: this.ensureId(c.active) }, 'Activo (el bot lo ofrece)'),
          h('p', { class: 'field__error', 'data-error-for': 'active', hidden: true }),
        ),
        h(
          'div',
          { class: 'field field--checkbox' },
          c.requiresAgent,
          h('label', { for: this.ensureId(c.requiresAgent) }, 'Lo atiende un agente'),
          h('p', { class: 'field__hint', id: requiresAgentHint }, 'El bot identifica a la persona y le comunica con un agente de la mesa de ayuda en lugar de registrarlo solo.'),
          h('p', { class: 'field__error', 'data-error-for': 'requiresAgent', hidden: true }),
        ),
        datalist(c.category.getAttribute('list'), distinct('category')),
        datalist(c.resolverGroup.getAttribute('list'), distinct('resolverGroup')),
      ),
      h('div', { class: 'editor__section' }, this.examples.render()),
      h('div', { class: 'editor__section' }, this.selfHelp.render()),
      h('div', { class: 'editor__section' }, this.diagnostics.render()),
      this.renderActions(),
    );
    for (const control of Object.values(c)) {
      control.addEventListener('input', onChange);
      control.addEventListener('change', onChange);
    }
    this.initial = JSON.stringify(this.collect());
    this.dirtyNote = h('p', { class: 'editor__dirty', 'aria-live': 'polite' });

    return h(
      'section',
      { class: 'panel' },
      h('p', { class: 'breadcrumb' }, h('a', { href: this.view.path('') }, '← Servicios')),
      h(
        'div',
        { class: 'panel__header' },
        h('h2', { id: 'editor-title', tabindex: '-1' }, this.originalCode === null ? 'Nuevo servicio' : `Editar servicio ${this.originalCode}`),
        this.service ? (this.service.active ? h('span', { class: 'badge badge--ok' }, 'Activo') : h('span', { class: 'badge badge--muted' }, 'Inactivo')) : null,
      ),
      this.dirtyNote,
      this.form,
    );
  }

  ensureId(el) {
    if (!el.id) el.id = nextId('f');
    return el.id;
  }

  renderActions() {
    const buttons = [
      h('button', { type: 'submit', class: 'btn btn--primary' }, 'Guardar en el borrador'),
      h('button', { type: 'button', class: 'btn btn--secondary', onclick: () => this.cancel() }, 'Cancelar'),
    ];
    if (this.service) {
      buttons.push(
        h('span', { class: 'editor__spacer' }),
        h('button', { type: 'button', class: 'btn btn--secondary', onclick: () => this.toggleActive() }, this.service.active ? 'Desactivar' : 'Activar'),
        h('button', { type: 'button', class: 'btn btn--danger', onclick: () => this.remove() }, 'Eliminar…'),
      );
    }
    return h('div', { class: 'editor__actions' }, buttons);
  }

  /** The service as the form has it now. */
  collect() {
    const c = this.controls;
    return {
      code: c.code.value.trim(),
      name: c.name.value.trim(),
      category: c.category.value.trim(),
      scope: c.scope.value,
      kind: c.kind.value,
      resolverGroup: c.resolverGroup.value.trim(),
      examples: this.examples.values(),
      selfHelp: this.selfHelp.values(),
      diagnostics: this.diagnostics.values(),
      defaultUrgency: c.defaultUrgency.value,
      active: c.active.checked,
      // Optional in the format: written only when set, so catalogs without it stay as they were.
      ...(c.requiresAgent.checked ? { requiresAgent: true } : {}),
    };
  }

  isDirty() {
    return Boolean(this.controls) && !this.saving && JSON.stringify(this.collect()) !== this.initial;
  }

  updateDirty() {
    if (this.dirtyNote) this.dirtyNote.textContent = this.isDirty() ? 'Cambios sin guardar.' : '';
  }

  async canLeave() {
    if (!this.isDirty()) return true;
    return this.confirm({
      title: 'Cambios sin guardar',
      message: 'Este servicio tiene cambios que no se han guardado en el borrador. ¿Desea salir y perderlos?',
      confirmLabel: 'Salir sin guardar',
      danger: true,
    });
  }

  async cancel() {
    await this.navigate(this.view.path(''));
  }

  async onSubmit(event) {
    event.preventDefault();
    await this.save(this.collect());
  }

  async save(service, successMessage) {
    if (this.saving) return;
    const errors = new FormErrors(this.form, this.summary);
    const otherCodes = this.view.draft.catalog.services.map((s) => s.code).filter((code) => code !== this.originalCode);
    const problems = serviceProblems(service, { otherCodes });
    if (problems.length > 0) {
      errors.show(problems);
      return;
    }
    errors.clear();
    this.saving = true;
    const submit = this.form.querySelector('button[type="submit"]');
    submit.disabled = true;
    submit.textContent = 'Guardando…';
    try {
      const draft = this.originalCode ? await this.api.saveService(this.originalCode, service) : await this.api.createService(service);
      this.view.applyDraft(draft);
      toast(successMessage ?? `Se guardó el servicio ${service.code} en el borrador.`);
      await this.navigate(this.view.path(''), { force: true });
    } catch (error) {
      this.saving = false;
      submit.disabled = false;
      submit.textContent = 'Guardar en el borrador';
      if (error instanceof ApiError && error.details.length > 0) errors.show(error.details, messageOf(error));
      else if (error instanceof ApiError && error.code === 'DuplicateCode') errors.show([{ path: 'code', message: error.message }], 'No se guardó el servicio:');
      else errors.message(errorBlock(error));
    }
  }

  async toggleActive() {
    const activate = !this.service.active;
    const service = { ...this.collect(), active: activate };
    await this.save(service, activate ? `Se activó el servicio ${service.code} en el borrador.` : `Se desactivó el servicio ${service.code} en el borrador.`);
  }

  async remove() {
    const code = this.originalCode;
    const ok = await this.confirm({
      title: `Eliminar el servicio ${code}`,
      message: `Se quitará «${this.service.name}» del borrador; el bot dejará de ofrecerlo cuando se publique. Si solo quiere dejar de ofrecerlo por un tiempo, mejor desactívelo.`,
      confirmLabel: 'Eliminar servicio',
      danger: true,
    });
    if (!ok) return;
    try {
      this.view.applyDraft(await this.api.deleteService(code));
      this.saving = true; // nothing left to lose
      toast(`Se eliminó el servicio ${code} del borrador.`);
      await this.navigate(this.view.path(''), { force: true });
    } catch (error) {
      new FormErrors(this.form, this.summary).message(errorBlock(error));
    }
  }
}
