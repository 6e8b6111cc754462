// Bootstraps the official Web Chat against our self-hosted Direct Line.
// The conversation is kept in sessionStorage: a reload resumes it (with its history); closing the
// tab forgets it, which is what a shared computer in a public office needs.
(function () {
  'use strict';
  var KEY = 'ventanilla.webchat.session';
  var config = JSON.parse(document.getElementById('ventanilla-config').textContent);
  var statusEl = document.getElementById('status');

  function say(text, isError) {
    statusEl.textContent = text;
    statusEl.className = isError ? 'status error' : 'status';
  }

  function load() {
    try {
      var s = JSON.parse(sessionStorage.getItem(KEY) || 'null');
      return s && s.token && s.conversationId ? s : null;
    } catch {
      return null;
    }
  }

  function save(session) {
    try {
      sessionStorage.setItem(KEY, JSON.stringify(session));
    } catch {
      /* private mode: the chat still works, it just won't survive a reload */
    }
  }

  function post(url, token) {
    var headers = { Accept: 'application/json' };
    if (token) headers.Authorization = 'Bearer ' + token;
    return fetch(url, { method: 'POST', headers: headers }).then(function (r) {
      if (!r.ok) {
        var err = new Error('HTTP ' + r.status);
        err.status = r.status;
        throw err;
      }
      return r.json();
    });
  }

  function startSession() {
    var saved = load();
    var fresh = function () {
      return post('/v3/directline/tokens/generate').then(function (j) {
        return { token: j.token, conversationId: j.conversationId, userId: j.userId, resumed: false };
      });
    };
    if (!saved) return fresh();
    // An expired or unknown conversation starts over instead of failing.
    return post('/v3/directline/tokens/refresh', saved.token)
      .then(function (j) {
        return { token: j.token, conversationId: saved.conversationId, userId: saved.userId, resumed: true };
      })
      .catch(fresh);
  }

  startSession()
    .then(function (session) {
      save({ token: session.token, conversationId: session.conversationId, userId: session.userId });
      var options = {
        domain: window.location.origin + '/v3/directline',
        token: session.token,
        webSocket: true,
      };
      if (session.resumed) {
        options.conversationId = session.conversationId;
        options.watermark = '0';
      }
      var directLine = window.WebChat.createDirectLine(options);
      directLine.connectionStatus$.subscribe(function (status) {
        // 0 uninitialized, 1 connecting, 2 online, 3 expired token, 4 failed, 5 ended
        if (status === 2) say('');
        else if (status === 1) say('Conectando…');
        else if (status === 3) say('La sesión expiró. Recargue la página para continuar.', true);
        else if (status === 4) say('No fue posible conectar con el chat. Revise su conexión e intente de nuevo.', true);
      });
      window.addEventListener('pagehide', function () {
        if (directLine.token) save({ token: directLine.token, conversationId: session.conversationId, userId: session.userId });
      });
      window.WebChat.renderWebChat(
        {
          directLine: directLine,
          userID: session.userId,
          // Web Chat shows its Spanish strings for any es-* locale; es-MX also formats dates the Mexican way and
          // is the locale the bot receives on every activity.
          locale: 'es-MX',
          overrideLocalizedStrings: {
            TEXT_INPUT_PLACEHOLDER: 'Escriba su mensaje',
            TEXT_INPUT_SEND_BUTTON_ALT: 'Enviar',
          },
          styleOptions: {
            accent: config.primaryColor,
            botAvatarInitials: (config.botName || 'V').slice(0, 2).toUpperCase(),
            botAvatarBackgroundColor: config.primaryColor,
            userAvatarInitials: 'Ud',
            // Dark enough for the white initials to read (WCAG AA contrast).
            userAvatarBackgroundColor: '#4A4A4A',
            bubbleFromUserBackground: '#f3ece0',
            hideUploadButton: true,
            sendBoxButtonColor: config.primaryColor,
            suggestedActionBorderColor: config.primaryColor,
            suggestedActionTextColor: config.primaryColor,
          },
        },
        document.getElementById('webchat'),
      );
      var box = document.querySelector('#webchat input, #webchat textarea');
      if (box) box.focus();
    })
    .catch(function () {
      say('El chat no está disponible en este momento. Por favor, intente más tarde.', true);
    });
})();
