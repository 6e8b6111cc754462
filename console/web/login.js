// The sign-in screen: e-mail and password, errors shown inline and announced.
import { ApiError } from './api.js';
import { field, h, replaceChildren } from './dom.js';
import { messageOf } from './errors.js';

export class LoginView {
  constructor({ api, onLoggedIn }) {
    this.api = api;
    this.onLoggedIn = onLoggedIn;
  }

  render(message) {
    this.email = h('input', { type: 'email', name: 'email', autocomplete: 'username', spellcheck: 'false', required: true });
    this.password = h('input', { type: 'password', name: 'password', autocomplete: 'current-password', required: true });
    this.error = h('div', { class: 'login__error', role: 'alert', 'aria-live': 'assertive' });
    this.submit = h('button', { type: 'submit', class: 'btn btn--primary btn--block' }, 'Iniciar sesión');
    this.heading = h('h1', { class: 'login__title', id: 'login-title', tabindex: '-1' }, 'Iniciar sesión');
    const info = message ? h('p', { class: 'notice notice--info', role: 'status' }, message) : null;
    const form = h(
      'form',
      { class: 'login__form', novalidate: true, 'aria-labelledby': 'login-title', onsubmit: (e) => this.onSubmit(e) },
      field({ label: 'Correo electrónico', control: this.email, path: 'email', required: true }),
      field({ label: 'Contraseña', control: this.password, path: 'password', required: true }),
      this.submit,
    );
    return h(
      'div',
      { class: 'login' },
      h(
        'section',
        { class: 'login__card' },
        h('p', { class: 'login__brand' }, h('span', { class: 'brand__mark', 'aria-hidden': 'true' }), 'Ventanilla'),
        this.heading,
        h('p', { class: 'login__lead' }, 'Consola de coordinación del Centro de Atención a Usuarios. Use su cuenta institucional de la consola.'),
        info,
        this.error,
        form,
      ),
    );
  }

  focus() {
    this.email.focus();
  }

  fieldError(control, text) {
    const slot = document.getElementById(`${control.id}-error`);
    if (text) {
      control.setAttribute('aria-invalid', 'true');
      slot.textContent = text;
      slot.hidden = false;
    } else {
      control.removeAttribute('aria-invalid');
      slot.textContent = '';
      slot.hidden = true;
    }
  }

  async onSubmit(event) {
    event.preventDefault();
    replaceChildren(this.error);
    const email = this.email.value.trim();
    const password = this.password.value;
    this.fieldError(this.email, email ? null : 'Escriba su correo electrónico.');
    this.fieldError(this.password, password ? null : 'Escriba su contraseña.');
    if (!email) return this.email.focus();
    if (!password) return this.password.focus();

    this.submit.disabled = true;
    this.submit.textContent = 'Verificando…';
    try {
      const user = await this.api.login(email, password);
      this.onLoggedIn(user);
    } catch (error) {
      const text =
        error instanceof ApiError && error.status === 401
          ? error.message || 'El correo o la contraseña no son correctos.'
          : messageOf(error);
      replaceChildren(this.error, h('p', { class: 'notice notice--error' }, text));
      if (error instanceof ApiError && error.status === 401) {
        this.password.setAttribute('aria-invalid', 'true');
        this.password.value = '';
        this.password.focus();
      }
    } finally {
      this.submit.disabled = false;
      this.submit.textContent = 'Iniciar sesión';
    }
    return undefined;
  }
}
