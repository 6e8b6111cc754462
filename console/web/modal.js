// One modal dialog at a time on the page's <dialog id="modal">: the browser traps focus inside it and closes it
// with Escape; we put focus back where it was when it closes.
import { h, replaceChildren } from './dom.js';
import { errorBlock } from './errors.js';

/**
 * Opens a dialog and resolves `true` when the action ran and succeeded, `false` when cancelled.
 * `onConfirm` may be async; when it throws, the error (and its details) is shown inside the dialog, which stays
 * open so the person can correct or cancel.
 */
export function openDialog({ title, body, confirmLabel, cancelLabel = 'Cancelar', danger = false, onConfirm }) {
  const dialog = document.getElementById('modal');
  const opener = document.activeElement;
  return new Promise((resolve) => {
    const errorSlot = h('div', { class: 'modal__error', role: 'alert' });
    const confirm = h('button', { type: 'submit', class: `btn ${danger ? 'btn--danger' : 'btn--primary'}` }, confirmLabel);
    const cancel = h('button', { type: 'button', class: 'btn btn--secondary', onclick: () => finish(false) }, cancelLabel);
    let busy = false;

    const form = h(
      'form',
      { class: 'modal__form', method: 'dialog', novalidate: true },
      h('h2', { class: 'modal__title', id: 'modal-title' }, title),
      h('div', { class: 'modal__body' }, body),
      errorSlot,
      h('div', { class: 'modal__actions' }, cancel, confirm),
    );
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      if (busy) return;
      busy = true;
      confirm.disabled = true;
      confirm.setAttribute('aria-busy', 'true');
      replaceChildren(errorSlot);
      try {
        if (onConfirm) await onConfirm();
        finish(true);
      } catch (error) {
        replaceChildren(errorSlot, errorBlock(error));
      } finally {
        busy = false;
        confirm.disabled = false;
        confirm.removeAttribute('aria-busy');
      }
    });

    function onCancel(event) {
      event.preventDefault();
      if (!busy) finish(false);
    }
    function finish(result) {
      dialog.removeEventListener('cancel', onCancel);
      if (dialog.open) dialog.close();
      replaceChildren(dialog);
      if (opener && opener instanceof HTMLElement && opener.isConnected) opener.focus();
      resolve(result);
    }

    dialog.addEventListener('cancel', onCancel);
    replaceChildren(dialog, form);
    dialog.showModal();
    // Start on the first field when there is one, otherwise on the safe choice.
    const first = body instanceof Node ? form.querySelector('.modal__body input, .modal__body textarea, .modal__body select') : null;
    (first ?? cancel).focus();
  });
}

/** A yes/no question; resolves true when confirmed. */
export function confirmDialog({ title, message, confirmLabel, danger = false }) {
  return openDialog({ title, body: h('p', {}, message), confirmLabel, danger });
}
