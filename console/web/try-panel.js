// «Probar»: one phrase, routed by the draft and by the published version side by side, so a coordinator sees
// what a change will do before publishing it.
import { ApiError } from './api.js';
import { formatPercent, h, nextId, replaceChildren, select, toast } from './dom.js';
import { messageOf } from './errors.js';
import { DECISION_LABELS, label } from './labels.js';

/** The «teach» choice that adds the phrase to the out-of-scope examples instead of a service. */
const OUT_OF_SCOPE = '__fuera_de_ambito__';

const DECISION_HELP = {
  service: 'El bot lo atiende con este servicio.',
  informative: 'Se atiende y se registra como informativo (CAU_INFORMATIVO_04A).',
  out_of_scope: 'No es competencia del centro: el bot orienta con el mensaje de orientación.',
  ambiguous: 'El bot no está seguro y pregunta a la persona cuál de los servicios es.',
};

export class TryPanel {
  constructor({ view, api }) {
    this.view = view;
    this.api = api;
    this.title = 'Probar el catálogo';
    this.lastText = '';
  }

  render() {
    const inputId = nextId('try');
    this.input = h('input', { type: 'text', id: inputId, autocomplete: 'off', maxlength: '1000', placeholder: 'p. ej. olvidé la contraseña de mi correo', 'aria-describedby': `${inputId}-hint` });
    this.submit = h('button', { type: 'submit', class: 'btn btn--primary' }, 'Probar');
    this.formError = h('p', { class: 'field__error', role: 'alert', hidden: true });
    this.results = h('div', { class: 'try__results', 'aria-live': 'polite', 'aria-busy': 'false' });
    const published = this.view.draft.publishedVersion;
    return h(
      'section',
      { class: 'panel', 'aria-labelledby': 'try-title' },
      h('div', { class: 'panel__header' }, h('h2', { id: 'try-title', tabindex: '-1' }, 'Probar')),
      h('p', { class: 'panel__lead' }, `Escriba una frase como la diría alguien que pide ayuda. Se clasifica con el borrador y con la versión publicada${published ? ` (v${published})` : ''}, lado a lado.`),
      h(
        'form',
        { class: 'try__form', novalidate: true, onsubmit: (e) => this.onSubmit(e) },
        h('label', { for: inputId, class: 'field__label' }, 'Frase de prueba'),
        h('p', { class: 'field__hint', id: `${inputId}-hint` }, 'Enter para probar.'),
        h('div', { class: 'try__row' }, this.input, this.submit),
        this.formError,
      ),
      this.results,
    );
  }

  async onSubmit(event) {
    event.preventDefault();
    const text = this.input.value.trim();
    if (!text) {
      this.formError.textContent = 'Escriba una frase para probar.';
      this.formError.hidden = false;
      this.input.setAttribute('aria-invalid', 'true');
      this.input.focus();
      return;
    }
    this.formError.hidden = true;
    this.input.removeAttribute('aria-invalid');
    this.submit.disabled = true;
    this.results.setAttribute('aria-busy', 'true');
    const publishedVersion = this.view.draft.publishedVersion;
    const [draft, published] = await Promise.allSettled([
      this.api.route(text, 'draft'),
      this.api.route(text, 'published'),
    ]);
    const draftNames = new Map(this.view.draft.catalog.services.map((s) => [s.code, s.name]));
    let publishedNames = new Map();
    try {
      const catalog = await this.view.versionCatalog(publishedVersion);
      if (catalog) publishedNames = new Map(catalog.services.map((s) => [s.code, s.name]));
    } catch {
      /* names are a nicety: codes are still shown */
    }
    this.submit.disabled = false;
    this.results.setAttribute('aria-busy', 'false');
    this.lastText = text;

    const same =
      draft.status === 'fulfilled' && published.status === 'fulfilled' && draft.value.decision === published.value.decision && draft.value.code === published.value.code;
    const comparable = draft.status === 'fulfilled' && published.status === 'fulfilled';
    replaceChildren(
      this.results,
      h('p', { class: 'try__phrase' }, 'Resultado para «', h('strong', {}, text), '»'),
      comparable
        ? h('p', { class: `notice ${same ? 'notice--info' : 'notice--warning'}`, 'data-comparison': same ? 'same' : 'different' }, same ? 'El borrador y la versión publicada deciden lo mismo.' : 'El borrador decide distinto de la versión publicada.')
        : null,
      h(
        'div',
        { class: 'try__columns' },
        this.column('draft', 'Borrador', draft, draftNames),
        this.column('published', publishedVersion ? `Versión publicada (v${publishedVersion})` : 'Versión publicada', published, publishedNames),
      ),
      this.teachForm(text, draft.status === 'fulfilled' ? draft.value : null),
    );
  }

  /**
   * «Enseñar»: adds the phrase as an example of the service it should have gone to (or of the out-of-scope
   * examples) in the draft, then routes it again, so a misrouted phrase is fixed in two clicks.
   */
  teachForm(text, decision) {
    const services = [...this.view.draft.catalog.services].sort((a, b) => a.name.localeCompare(b.name, 'es'));
    const preselected = decision && decision.code && decision.decision !== 'out_of_scope' ? decision.code : OUT_OF_SCOPE;
    const selectId = nextId('teach');
    const choice = select(
      [[OUT_OF_SCOPE, 'Fuera de ámbito (orientar a otra área)'], ...services.map((s) => [s.code, `${s.name} (${s.code})`])],
      preselected,
      { id: selectId, class: 'input' },
    );
    const button = h('button', { type: 'submit', class: 'btn btn--secondary' }, 'Agregar como ejemplo en el borrador');
    const onsubmit = async (event) => {
      event.preventDefault();
      button.disabled = true;
      try {
        const added = await this.teach(text, choice.value);
        if (added) await this.onSubmit(new Event('submit'));
      } catch (error) {
        toast(messageOf(error), 'error');
      } finally {
        button.disabled = false;
      }
    };
    return h(
      'form',
      { class: 'try__teach card', 'data-teach': '', novalidate: true, onsubmit },
      h('h3', { class: 'card__title' }, 'Enseñar esta frase'),
      h('label', { for: selectId, class: 'field__label' }, 'Debe atenderse como'),
      h('div', { class: 'try__row' }, choice, button),
      h('p', { class: 'field__hint' }, 'La frase se agrega a los ejemplos en el borrador; se aplica al publicar.'),
    );
  }

  /** Adds `text` to the examples of `code` (or to the out-of-scope examples) in the draft; false when it was there already. */
  async teach(text, code) {
    const catalog = this.view.draft.catalog;
    const same = (list) => list.some((e) => e.trim().toLowerCase() === text.toLowerCase());
    if (code === OUT_OF_SCOPE) {
      if (same(catalog.outOfScope.examples)) {
        toast('La frase ya es un ejemplo fuera de ámbito.', 'info');
        return false;
      }
      const { language, referral, outOfScope } = catalog;
      this.view.applyDraft(await this.api.saveSettings({ language, referral, outOfScope: { examples: [...outOfScope.examples, text] } }));
      toast('Se agregó la frase a los ejemplos fuera de ámbito del borrador.');
      return true;
    }
    const service = catalog.services.find((s) => s.code === code);
    if (!service) return false;
    if (same(service.examples)) {
      toast(`La frase ya es un ejemplo de ${code}.`, 'info');
      return false;
    }
    this.view.applyDraft(await this.api.saveService(code, { ...service, examples: [...service.examples, text] }));
    toast(`Se agregó la frase como ejemplo de ${code} en el borrador.`);
    return true;
  }

  column(target, title, settled, names) {
    const body = [];
    if (settled.status === 'rejected') {
      const error = settled.reason;
      const text = error instanceof ApiError && error.code === 'NoPublishedCatalog' ? 'Todavía no hay una versión publicada con la que comparar.' : messageOf(error);
      body.push(h('p', { class: 'notice notice--error' }, text));
    } else {
      const r = settled.value;
      const name = r.code ? names.get(r.code) : null;
      body.push(
        h(
          'dl',
          { class: 'facts' },
          h('dt', {}, 'Decisión'),
          h('dd', {}, h('span', { class: `badge badge--decision badge--${r.decision}`, 'data-decision': r.decision }, label(DECISION_LABELS, r.decision)), h('span', { class: 'facts__help' }, DECISION_HELP[r.decision] ?? '')),
          h('dt', {}, r.decision === 'ambiguous' ? 'Mejor candidato' : 'Servicio'),
          h('dd', { 'data-code': r.code ?? '' }, r.code ? [h('code', {}, r.code), name ? ` — ${name}` : ''] : '—'),
          h('dt', {}, 'Confianza'),
          h('dd', { class: 'confidence' }, h('meter', { min: '0', max: '1', value: String(r.confidence ?? 0), 'aria-hidden': 'true' }), h('span', { 'data-confidence': '' }, formatPercent(r.confidence))),
        ),
      );
      const alternatives = Array.isArray(r.alternatives) ? r.alternatives : [];
      body.push(
        h('h4', { class: 'try__alt-title' }, 'Alternativas'),
        alternatives.length === 0
          ? h('p', { class: 'field__hint' }, 'Ninguna.')
          : h(
              'ol',
              { class: 'try__alternatives' },
              alternatives.map((a) => h('li', {}, h('code', {}, a.code), names.get(a.code) ? ` — ${names.get(a.code)}` : '', ': ', formatPercent(a.confidence))),
            ),
      );
    }
    return h('section', { class: 'try__column card', 'data-target': target, 'aria-label': `Resultado con ${title.toLowerCase()}` }, h('h3', { class: 'card__title' }, title), body);
  }
}
