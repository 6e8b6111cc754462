// «Importar y exportar»: download the directory as CSV; upload a CSV file, see what it would change (or every
// problem with its line), then apply it. With «reemplazar», entries missing from the file are taken out (baja).
import { focusElement, h, nextId, replaceChildren, toast } from './dom.js';
import { errorBlock, messageOf, problemList } from './errors.js';
import { ApiError } from './api.js';

const MAX_FILE_BYTES = 2 * 1024 * 1024;
const COLUMNS = 'tipo,nombre,titulo,genero,area,puesto,alias,extension,telefono,correo,disponibilidad,nota,ruta,envio_digitos,llamadas_exterior,nip';

export class DirectoryImport {
  constructor({ view, api, navigate }) {
    this.view = view;
    this.api = api;
    this.navigate = navigate;
    this.title = 'Importar y exportar el directorio';
    this.file = null;
  }

  render() {
    const fileId = nextId('directory-file');
    this.input = h('input', { type: 'file', id: fileId, accept: '.csv,text/csv', 'aria-describedby': `${fileId}-hint`, onchange: () => this.onFile() });
    this.replace = h('input', { type: 'checkbox', id: nextId('directory-replace'), onchange: () => this.onFile() });
    this.preview = h('div', { class: 'import__preview', 'aria-live': 'polite' });
    return h(
      'div',
      { class: 'stack' },
      h(
        'section',
        { class: 'panel', 'aria-labelledby': 'directory-export-title' },
        h('div', { class: 'panel__header' }, h('h2', { id: 'directory-export-title', tabindex: '-1' }, 'Exportar')),
        h('p', { class: 'panel__lead' }, 'Descargue el directorio activo como archivo CSV (UTF-8) para revisarlo en una hoja de cálculo. Los NIP nunca se exportan.'),
        h('div', { class: 'button-row' }, h('a', { class: 'btn btn--secondary', href: '/api/directory/export', download: 'directorio.csv', 'data-export': 'directory' }, 'Descargar directorio.csv')),
      ),
      h(
        'section',
        { class: 'panel', 'aria-labelledby': 'directory-import-title' },
        h('div', { class: 'panel__header' }, h('h2', { id: 'directory-import-title' }, 'Importar')),
        h('p', { class: 'panel__lead' }, 'Cada renglón es una persona o un área; se reconoce por su tipo y nombre: si ya existe se actualiza, si no se crea. Si algún renglón tiene un error no se cambia nada.'),
        h('p', {}, 'Columnas: ', h('code', {}, COLUMNS), '.'),
        h('div', { class: 'field' }, h('label', { for: fileId, class: 'field__label' }, 'Archivo del directorio (.csv)'), h('p', { class: 'field__hint', id: `${fileId}-hint` }, 'Máximo 2 MB.'), this.input),
        h('div', { class: 'field field--checkbox' }, this.replace, h('label', { for: this.replace.id }, 'Reemplazar: dar de baja las entradas que no estén en el archivo')),
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
      this.problem(`El archivo ${file.name} pesa más de 2 MB.`);
      return;
    }
    const csv = await file.text();
    try {
      const plan = await this.api.request('POST', '/api/directory/import', { csv, replace: this.replace.checked, dryRun: true });
      this.file = { name: file.name, csv };
      this.showPlan(plan);
    } catch (error) {
      this.showError(error, file.name);
    }
  }

  problem(text) {
    replaceChildren(this.preview, h('div', { class: 'notice notice--error', role: 'alert', 'data-import-result': 'invalid' }, h('p', { class: 'notice__title' }, text)));
  }

  showError(error, name) {
    if (error instanceof ApiError && error.details.length > 0) {
      replaceChildren(
        this.preview,
        h(
          'div',
          { class: 'notice notice--error', role: 'alert', 'data-import-result': 'invalid' },
          h('p', { class: 'notice__title' }, `${name}: ${messageOf(error)} Corríjalo y vuelva a elegirlo.`),
          problemList(error.details),
        ),
      );
    } else replaceChildren(this.preview, errorBlock(error));
  }

  showPlan(plan) {
    this.result = h('div', { class: 'import__result', role: 'alert' });
    const apply = h('button', { type: 'button', class: 'btn btn--primary', onclick: () => this.apply() }, 'Importar');
    replaceChildren(
      this.preview,
      h(
        'div',
        { class: 'card', 'data-import-result': 'valid' },
        h('h3', { class: 'card__title' }, `Vista previa de ${this.file.name}`),
        h('p', { class: 'notice notice--info' }, 'El archivo es válido. Todavía no se ha cambiado nada.'),
        h(
          'dl',
          { class: 'facts' },
          h('dt', {}, 'Nuevas'),
          h('dd', { 'data-count': 'created' }, String(plan.created)),
          h('dt', {}, 'Actualizadas'),
          h('dd', { 'data-count': 'updated' }, String(plan.updated)),
          h('dt', {}, 'Sin cambios'),
          h('dd', { 'data-count': 'unchanged' }, String(plan.unchanged)),
          h('dt', {}, 'Dadas de baja'),
          h('dd', { 'data-count': 'deactivated' }, String(plan.deactivated)),
        ),
        this.result,
        h('div', { class: 'button-row' }, apply),
      ),
    );
  }

  async apply() {
    if (!this.file) return;
    try {
      const done = await this.api.request('POST', '/api/directory/import', { csv: this.file.csv, replace: this.replace.checked });
      toast(`Directorio importado: ${done.created} nuevas, ${done.updated} actualizadas, ${done.deactivated} dadas de baja.`);
      this.file = null;
      await this.navigate(this.view.path(''), { force: true });
    } catch (error) {
      replaceChildren(this.result, errorBlock(error));
      focusElement(this.result);
    }
  }
}
