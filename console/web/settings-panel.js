// «Ajustes generales» of the catalog: language of the text pipeline, the referral (orientation) message and
// phone for requests outside the centre's competence, and the out-of-scope examples.
import { ApiError } from './api.js';
import { settingsProblems } from './catalog-rules.js';
import { field, h, select, toast } from './dom.js';
import { errorBlock, messageOf } from './errors.js';
import { FormErrors } from './form-errors.js';
import { LANGUAGE_LABELS, options } from './labels.js';
import { TextListEditor } from './list-editor.js';

export class SettingsPanel {
  constructor({ view, api, confirm }) {
    this.view = view;
    this.api = api;
    this.confirm = confirm;
    this.title = 'Ajustes generales del catálogo';
    this.saving = false;
  }

  render() {
    const catalog = this.view.draft.catalog;
    this.language = select(options(LANGUAGE_LABELS), catalog.language ?? 'es');
    this.message = h('textarea', { rows: '4', maxlength: '1000', value: catalog.referral?.message ?? '' });
    this.phone = h('input', { type: 'tel', autocomplete: 'off', maxlength: '60', value: catalog.referral?.phone ?? '' });
    this.outOfScope = new TextListEditor({
      legend: 'Ejemplos fuera de ámbito',
      path: 'outOfScope.examples',
      items: catalog.outOfScope?.examples ?? [],
      itemLabel: (n) => `Ejemplo fuera de ámbito ${n}`,
      newLabel: 'Nuevo ejemplo fuera de ámbito',
      addLabel: 'Agregar ejemplo',
      hint: 'Lo que la gente pide y este centro no atiende (calificaciones, becas, pagos…). Con ellos el bot reconoce cuándo orientar.',
      countText: (n) => `(${n})`,
    });
    this.summary = h('div', { class: 'notice notice--error form-summary', role: 'alert', tabindex: '-1', hidden: true });
    this.submit = h('button', { type: 'submit', class: 'btn btn--primary' }, 'Guardar ajustes en el borrador');
    this.form = h(
      'form',
      { class: 'editor', novalidate: true, 'aria-labelledby': 'settings-title', onsubmit: (e) => this.onSubmit(e) },
      this.summary,
      h(
        'fieldset',
        { class: 'editor__section' },
        h('legend', { class: 'editor__legend' }, 'Idioma'),
        field({ label: 'Idioma de las frases', control: this.language, path: 'language', hint: 'Elige cómo se procesan las frases (palabras, raíces, acentos). El español es lo habitual.' }),
      ),
      h(
        'fieldset',
        { class: 'editor__section' },
        h('legend', { class: 'editor__legend' }, 'Orientación para lo que no atiende el centro'),
        field({ label: 'Mensaje de orientación', control: this.message, path: 'referral.message', required: true, hint: 'Lo que el bot dice, con disculpa, cuando lo que se pide no es competencia del centro.' }),
        field({ label: 'Teléfono al que se orienta', control: this.phone, path: 'referral.phone', required: true }),
        h('p', { class: 'field__error', 'data-error-for': 'referral', hidden: true }),
      ),
      h('div', { class: 'editor__section' }, this.outOfScope.render(), h('p', { class: 'field__error', 'data-error-for': 'outOfScope', hidden: true })),
      h('div', { class: 'editor__actions' }, this.submit),
    );
    this.initial = JSON.stringify(this.collect());
    return h('section', { class: 'panel' }, h('div', { class: 'panel__header' }, h('h2', { id: 'settings-title', tabindex: '-1' }, 'Ajustes generales')), this.form);
  }

  collect() {
    return {
      language: this.language.value,
      referral: { message: this.message.value.trim(), phone: this.phone.value.trim() },
      outOfScope: { examples: this.outOfScope.values() },
    };
  }

  isDirty() {
    return Boolean(this.form) && !this.saving && JSON.stringify(this.collect()) !== this.initial;
  }

  async canLeave() {
    if (!this.isDirty()) return true;
    return this.confirm({
      title: 'Cambios sin guardar',
      message: 'Los ajustes tienen cambios que no se han guardado en el borrador. ¿Desea salir y perderlos?',
      confirmLabel: 'Salir sin guardar',
      danger: true,
    });
  }

  async onSubmit(event) {
    event.preventDefault();
    const settings = this.collect();
    const errors = new FormErrors(this.form, this.summary);
    const problems = settingsProblems(settings);
    if (problems.length > 0) {
      errors.show(problems);
      return;
    }
    errors.clear();
    this.submit.disabled = true;
    this.saving = true;
    try {
      this.view.applyDraft(await this.api.saveSettings(settings));
      this.initial = JSON.stringify(settings);
      toast('Se guardaron los ajustes en el borrador.');
    } catch (error) {
      if (error instanceof ApiError && error.details.length > 0) errors.show(error.details, messageOf(error));
      else errors.message(errorBlock(error));
    } finally {
      this.saving = false;
      this.submit.disabled = false;
    }
  }
}
