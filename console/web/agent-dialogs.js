// The agent's dialogs: «Crear ticket» (prefilled from what the bot collected), «Transferir» (to a group or an
// agent, with a note) and the notice with the number of the ticket just created.
import { ApiError } from './api.js';
import { field, h, nextId, replaceChildren, select } from './dom.js';
import { openDialog } from './modal.js';
import { IMPACT_LABELS, PERSON_FIELD_LABELS, PRESENCE_LABELS, REQUESTER_ROLE_LABELS, TICKET_KIND_LABELS, URGENCY_LABELS, label, options } from './labels.js';

/** A check the browser makes before asking the server, shown like the server's own 400s. */
function invalid(path, message) {
  return new ApiError(400, 'BadArgument', 'Revise los datos:', [{ path, message }]);
}

/** A dialog with a message and one button; resolves when it closes. */
export function noticeDialog({ title, body, buttonLabel = 'Aceptar' }) {
  const dialog = document.getElementById('modal');
  const opener = document.activeElement;
  return new Promise((resolve) => {
    const button = h('button', { type: 'submit', class: 'btn btn--primary' }, buttonLabel);
    const form = h(
      'form',
      { class: 'modal__form', method: 'dialog' },
      h('h2', { class: 'modal__title', id: 'modal-title' }, title),
      h('div', { class: 'modal__body' }, body),
      h('div', { class: 'modal__actions' }, button),
    );
    // Not the 'close' event: the one of the dialog that was open just before may still be on its way.
    const finish = () => {
      dialog.removeEventListener('cancel', onCancel);
      if (dialog.open) dialog.close();
      replaceChildren(dialog);
      if (opener instanceof HTMLElement && opener.isConnected) opener.focus();
      resolve();
    };
    const onCancel = (event) => {
      event.preventDefault();
      finish();
    };
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      finish();
    });
    dialog.addEventListener('cancel', onCancel);
    replaceChildren(dialog, form);
    dialog.showModal();
    button.focus();
  });
}

function requesterSummary(requester) {
  const parts = Object.entries(requester ?? {})
    .filter(([, v]) => v !== null && v !== undefined && v !== '' && typeof v !== 'object')
    .map(([k, v]) => `${label(PERSON_FIELD_LABELS, k)}: ${k === 'role' ? label(REQUESTER_ROLE_LABELS, v) : v}`);
  return parts.length ? parts.join(' · ') : 'Sin datos del solicitante.';
}

/**
 * «Crear ticket»: asks the server for the draft (the bot's context), lets the agent correct it, registers it and
 * shows the number. Resolves the created `{ number, id }` or null when cancelled.
 */
export async function ticketDialog({ api, handoffId, groups }) {
  const { draft } = await api.ticketDraft(handoffId);
  const c = {
    kind: select(options(TICKET_KIND_LABELS), draft.kind),
    description: h('textarea', { rows: '5', maxlength: '4000', value: draft.description ?? '' }),
    serviceCode: h('input', { type: 'text', value: draft.serviceCode ?? '', autocomplete: 'off', spellcheck: 'false', maxlength: '60', class: 'input--code' }),
    resolverGroup: h('input', { type: 'text', value: draft.resolverGroup ?? '', autocomplete: 'off', maxlength: '120', list: nextId('ticket-groups') }),
    urgency: select(options(URGENCY_LABELS), draft.urgency),
    impact: select(options(IMPACT_LABELS), draft.impact),
  };
  c.description.value = draft.description ?? '';
  const body = h(
    'div',
    { class: 'ticket-form' },
    h('p', { class: 'field__hint' }, requesterSummary(draft.requester)),
    h('div', { class: 'grid grid--two' }, field({ label: 'Tipo', control: c.kind, path: 'kind' }), field({ label: 'Código de servicio', control: c.serviceCode, path: 'serviceCode', hint: 'Del catálogo; déjelo vacío si no aplica.' })),
    field({ label: 'Descripción', control: c.description, path: 'description', required: true }),
    field({ label: 'Grupo resolutor', control: c.resolverGroup, path: 'resolverGroup' }),
    h('datalist', { id: c.resolverGroup.getAttribute('list') }, (groups ?? []).map((g) => h('option', { value: g }))),
    h('div', { class: 'grid grid--two' }, field({ label: 'Urgencia', control: c.urgency, path: 'urgency' }), field({ label: 'Impacto', control: c.impact, path: 'impact' })),
  );
  let created = null;
  const ok = await openDialog({
    title: 'Crear ticket',
    body,
    confirmLabel: 'Registrar ticket',
    onConfirm: async () => {
      const description = c.description.value.trim();
      if (!description) throw invalid('description', 'Describa el problema o la petición.');
      const code = c.serviceCode.value.trim().toUpperCase();
      const group = c.resolverGroup.value.trim();
      const res = await api.createHandoffTicket(handoffId, {
        kind: c.kind.value,
        description,
        urgency: c.urgency.value,
        impact: c.impact.value,
        serviceCode: code || null,
        resolverGroup: group || null,
      });
      created = res.ticket;
    },
  });
  if (!ok || !created) return null;
  await noticeDialog({
    title: 'Ticket registrado',
    body: h(
      'div',
      {},
      h('p', {}, 'Se registró el ticket:'),
      h('p', { class: 'ticket-number', 'data-ticket-number': created.number }, created.number),
      h('p', { class: 'field__hint' }, 'Compártalo con la persona: con ese número puede consultar su avance. Un resolutor se pondrá en contacto con ella.'),
    ),
  });
  return created;
}

/**
 * «Transferir»: to a group (its queue) or to an agent online, with a note for who receives it.
 * Resolves true when transferred.
 */
export function transferDialog({ api, handoffId, snapshot, me }) {
  const groups = (snapshot?.groups ?? []).map((g) => g.name);
  const agents = new Map();
  for (const g of snapshot?.groups ?? []) {
    for (const a of g.agents) {
      if (a.userId === me || agents.has(a.userId)) continue;
      agents.set(a.userId, { ...a, group: g.name });
    }
  }
  const name = nextId('transfer-to');
  const toGroup = h('input', { type: 'radio', name, value: 'group', checked: true, id: `${name}-group` });
  const toAgent = h('input', { type: 'radio', name, value: 'agent', id: `${name}-agent`, disabled: agents.size === 0 });
  const group = select(groups.map((g) => [g, g]), groups[0]);
  const agent = select(
    [...agents.values()].map((a) => [a.userId, `${a.displayName} — ${a.group} (${label(PRESENCE_LABELS, a.status).toLowerCase()})`]),
    undefined,
  );
  const note = h('textarea', { rows: '3', maxlength: '1000' });
  const groupField = field({ label: 'Grupo', control: group, path: 'group' });
  const agentField = field({ label: 'Agente', control: agent, path: 'agentUserId' });
  agentField.hidden = true;
  const sync = () => {
    groupField.hidden = !toGroup.checked;
    agentField.hidden = !toAgent.checked;
  };
  toGroup.addEventListener('change', sync);
  toAgent.addEventListener('change', sync);
  const body = h(
    'div',
    {},
    h(
      'fieldset',
      { class: 'choice' },
      h('legend', { class: 'field__label' }, 'Transferir a'),
      h('div', { class: 'choice__options' }, h('label', { class: 'choice__option' }, toGroup, ' Un grupo (entra a su fila)'), h('label', { class: 'choice__option' }, toAgent, agents.size ? ' Un agente en línea' : ' Un agente (no hay otros agentes en línea)')),
    ),
    groupField,
    agentField,
    field({ label: 'Nota para quien la recibe', control: note, path: 'note', required: true, hint: 'Qué se ha hecho y qué falta; se muestra a quien la recibe.' }),
  );
  return openDialog({
    title: 'Transferir la conversación',
    body,
    confirmLabel: 'Transferir',
    onConfirm: async () => {
      const text = note.value.trim();
      if (!text) throw invalid('note', 'Escriba una nota para quien recibe la conversación.');
      if (toAgent.checked) {
        if (!agent.value) throw invalid('agentUserId', 'Elija un agente.');
        await api.transferHandoff(handoffId, { agentUserId: agent.value, note: text });
      } else {
        if (!group.value) throw invalid('group', 'Elija un grupo.');
        await api.transferHandoff(handoffId, { group: group.value, note: text });
      }
    },
  });
}
