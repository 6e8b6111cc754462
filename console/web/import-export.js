// «Importar y exportar»: download the published catalog or the draft as a JSON file; upload a file, see what
// it would change and whether it is valid (every problem with its path), then publish it or stage it as draft.
import { ApiError } from './api.js';
import { catalogProblems } from './catalog-rules.js';
import { focusElement, h, nextId, plural, replaceChildren, toast } from './dom.js';
import { errorBlock, messageOf, problemList } from './errors.js';
import { LANGUAGE_LABELS, label } from './labels.js';
import { openDialog } from './modal.js';

const MAX_FILE_BYTES = 5 * 1024 * 1024;

export class ImportExportView {
  constructor({ view, api, navigate }) {
    this.view = view;
    this.api = api;
    this.navigate = navigate;
    this.title = 'Importar y exportar el catálogo';
    this.file = null;
  }

  render() {
    const d = this.view.draft;
    const published = d.publishedVersion;
    const fileId = nextId('import-file');
    this.input = h('input', { type: 'file', id: fileId, accept: '.json,application/json', 'aria-describedby': `${fileId}-hint`, onchange: () => this.onFile() });
    this.preview = h('div', { class: 'import__preview', 'aria-live': 'polite' });
    return h(
      'div',
      { class: 'stack' },
      h(
        'section',
        { class: 'panel', 'aria-labelledby': 'export-title' },
        h('div', { class: 'panel__header' }, h('h2', { id: 'export-title', tabindex: '-1' }, 'Exportar')),
        h('p', { class: 'panel__lead' }, 'Descargue el catálogo como archivo JSON (formato ventanilla.catalog/v1), para respaldarlo, revisarlo o cargarlo en otra instalación.'),
        h(
          'div',
          { class: 'button-row' },
          published !== null && published !== undefined
            ? h('a', { class: 'btn btn--secondary', href: this.api.exportUrl(), download: `catalogo-v${published}.json`, 'data-export': 'published' }, `Descargar versión publicada (v${published})`)
            : h('span', { class: 'muted' }, 'No hay versión publicada.'),
          h('a', { class: 'btn btn--secondary', href: this.api.exportUrl('draft'), download: 'catalogo-borrador.json', 'data-export': 'draft' }, 'Descargar borrador'),
        ),
      ),
      h(
        'section',
        { class: 'panel', 'aria-labelledby': 'import-title' },
        h('div', { class: 'panel__header' }, h('h2', { id: 'import-title' }, 'Importar')),
        h('p', { class: 'panel__lead' }, 'Cargue un archivo de catálogo completo. Primero verá si es válido y qué cambiaría; después puede dejarlo en el borrador para revisarlo o publicarlo de una vez. El archivo reemplaza todo el catálogo.'),
        h('div', { class: 'field' }, h('label', { for: fileId, class: 'field__label' }, 'Archivo de catálogo (.json)'), h('p', { class: 'field__hint', id: `${fileId}-hint` }, 'Máximo 5 MB.'), this.input),
        this.preview,
      ),
    );
  }

  async onFile() {
    const file = this.input.files?.[0];
    this.file = null;
    replaceChildren(this.preview);
    if (!file) return;
    if (file.size > MAX_FILE_BYTES) {
      this.showProblem(`El archivo ${file.name} pesa más de 5 MB.`);
      return;
    }
    let parsed;
    try {
      parsed = JSON.parse(await file.text());
    } catch (error) {
      this.showProblem(`El archivo ${file.name} no es JSON válido: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    const problems = catalogProblems(parsed);
    if (problems.length > 0) {
      replaceChildren(
        this.preview,
        h(
          'div',
          { class: 'notice notice--error', role: 'alert', 'data-import-result': 'invalid' },
          h('p', { class: 'notice__title' }, `El archivo ${file.name} no es un catálogo válido: ${plural(problems.length, 'problema', 'problemas')}. Corríjalo y vuelva a elegirlo; no se cambió nada.`),
          problemList(problems),
        ),
      );
      return;
    }
    // The server has the last word (lengths, duplicate diagnostic ids, publish rules): ask it without storing anything.
    try {
      await this.api.validateImport(parsed, false);
    } catch (error) {
      if (error instanceof ApiError && error.details.length > 0) {
        replaceChildren(
          this.preview,
          h(
            'div',
            { class: 'notice notice--error', role: 'alert', 'data-import-result': 'invalid' },
            h('p', { class: 'notice__title' }, `El archivo ${file.name} no es un catálogo válido: ${plural(error.details.length, 'problema', 'problemas')}. Corríjalo y vuelva a elegirlo; no se cambió nada.`),
            problemList(error.details),
          ),
        );
        return;
      }
      this.showProblem(messageOf(error));
      return;
    }
    this.file = { name: file.name, catalog: parsed };
    await this.showPreview();
  }

  showProblem(text) {
    replaceChildren(this.preview, h('div', { class: 'notice notice--error', role: 'alert', 'data-import-result': 'invalid' }, h('p', { class: 'notice__title' }, text)));
  }

  async showPreview() {
    const { name, catalog } = this.file;
    const services = catalog.services;
    const active = services.filter((s) => s.active).length;
    let compare = null;
    const publishedVersion = this.view.draft.publishedVersion;
    try {
      const current = await this.view.versionCatalog(publishedVersion);
      if (current) {
        const before = new Map(current.services.map((s) => [s.code, JSON.stringify(s)]));
        const after = new Set(services.map((s) => s.code));
        const added = services.filter((s) => !before.has(s.code)).map((s) => s.code);
        const removed = [...before.keys()].filter((code) => !after.has(code));
        const changed = services.filter((s) => before.has(s.code) && before.get(s.code) !== JSON.stringify(s)).length;
        compare = { added, removed, changed };
      }
    } catch {
      compare = null;
    }
    this.result = h('div', { class: 'import__result', role: 'alert' });
    const asDraft = h('button', { type: 'button', class: 'btn btn--secondary', onclick: () => this.send(true) }, 'Guardar como borrador');
    const publish = h('button', { type: 'button', class: 'btn btn--primary', onclick: () => this.send(false) }, 'Publicar ahora');
    replaceChildren(
      this.preview,
      h(
        'div',
        { class: 'card', 'data-import-result': 'valid' },
        h('h3', { class: 'card__title' }, `Vista previa de ${name}`),
        h('p', { class: 'notice notice--info' }, 'El servidor revisó el archivo: es un catálogo válido. Todavía no se ha cambiado nada.'),
        h(
          'dl',
          { class: 'facts' },
          h('dt', {}, 'Formato'),
          h('dd', {}, h('code', {}, catalog.format)),
          h('dt', {}, 'Idioma'),
          h('dd', {}, label(LANGUAGE_LABELS, catalog.language ?? 'es')),
          h('dt', {}, 'Servicios'),
          h('dd', {}, `${services.length} (${active} ${active === 1 ? 'activo' : 'activos'})`),
          h('dt', {}, 'Ejemplos fuera de ámbito'),
          h('dd', {}, String(catalog.outOfScope.examples.length)),
          compare ? [h('dt', {}, `Respecto de v${publishedVersion}`), h('dd', {}, this.compareText(compare))] : null,
        ),
        active === 0 ? h('p', { class: 'notice notice--warning' }, 'No tiene servicios activos: se puede dejar en el borrador, pero no publicar.') : null,
        this.result,
        h('div', { class: 'button-row' }, asDraft, publish),
      ),
    );
  }

  compareText({ added, removed, changed }) {
    const parts = [`${added.length} ${added.length === 1 ? 'nuevo' : 'nuevos'}`, `${removed.length} ${removed.length === 1 ? 'eliminado' : 'eliminados'}`, `${changed} ${changed === 1 ? 'modificado' : 'modificados'}`];
    const codes = [];
    if (added.length) codes.push(h('span', { class: 'import__codes' }, ' Nuevos: ', added.map((c, i) => [i ? ', ' : '', h('code', {}, c)])));
    if (removed.length) codes.push(h('span', { class: 'import__codes' }, ' Eliminados: ', removed.map((c, i) => [i ? ', ' : '', h('code', {}, c)])));
    return [parts.join(', '), '.', codes];
  }

  async send(asDraft) {
    if (!this.file) return;
    if (asDraft && this.view.draft.changed) {
      const ok = await openDialog({
        title: 'Reemplazar el borrador',
        body: h('p', {}, 'El borrador tiene cambios sin publicar; el archivo importado los reemplazará por completo.'),
        confirmLabel: 'Reemplazar borrador',
        danger: true,
      });
      if (!ok) return;
    }
    if (!asDraft) {
      const ok = await openDialog({
        title: 'Publicar el catálogo importado',
        body: h('p', {}, `Se publicará ${this.file.name} como una versión nueva y el bot empezará a usarlo de inmediato.${this.view.draft.changed ? ' El borrador también quedará igual al catálogo importado; sus cambios sin publicar se perderán.' : ''}`),
        confirmLabel: 'Publicar',
      });
      if (!ok) return;
    }
    replaceChildren(this.result);
    try {
      const answer = await this.api.importCatalog(this.file.catalog, asDraft);
      if (asDraft) {
        this.view.applyDraft(answer);
        toast(`El catálogo de ${this.file.name} quedó en el borrador; revíselo y publíquelo cuando esté listo.`);
      } else {
        toast(`Se publicó el catálogo de ${this.file.name} como versión ${answer.version}.`);
        await this.view.reloadDraft();
      }
      this.file = null;
      await this.navigate(this.view.path(''), { force: true });
    } catch (error) {
      const details = error instanceof ApiError ? error.details : [];
      replaceChildren(this.result, details.length ? h('div', { class: 'notice notice--error', 'data-import-result': 'rejected' }, h('p', { class: 'notice__title' }, messageOf(error)), problemList(details)) : errorBlock(error));
      focusElement(this.result);
    }
  }
}
