// The local console: a small Direct Line 3.0 client (polling with a watermark) that renders the bot's
// Adaptive Cards with the adaptivecards SDK and sends Action.Submit data back as a message `value`.
/* global navigator, setInterval */
(function () {
  'use strict';
  var POLL_MS = 400;
  var state = { token: '', conversationId: '', watermark: '', user: null, generation: 0, hostConfig: null, pressedId: '' };
  var transcript = document.getElementById('transcript');
  var statusLine = document.getElementById('status');
  var who = document.getElementById('who');

  function setStatus(text) { statusLine.textContent = text || ''; }

  // The bot's cards put every outside value in TextRuns (never markdown); TextBlocks hold only our own
  // plain labels. So no markdown library: show text as text.
  AdaptiveCards.AdaptiveCard.onProcessMarkdown = function (text, result) {
    var div = document.createElement('div');
    div.textContent = text;
    result.outputHtml = div.innerHTML;
    result.didProcess = true;
  };

  function api(method, path, body) {
    var headers = { 'Content-Type': 'application/json' };
    if (state.token) headers.Authorization = 'Bearer ' + state.token;
    return fetch(path, { method: method, headers: headers, body: body === undefined ? undefined : JSON.stringify(body) })
      .then(function (res) {
        if (!res.ok) throw new Error(method + ' ' + path + ' → ' + res.status);
        return res.json();
      });
  }

  function sleep(ms) { return new Promise(function (resolve) { setTimeout(resolve, ms); }); }

  // A new message that fits is shown with the bottom of the transcript; a taller one (a user's card) opens
  // at its top, so the name and the lock state are what the agent sees first.
  function scrollTo(row) {
    var top = row.offsetTop - 8;
    transcript.scrollTop = row.offsetHeight > transcript.clientHeight ? top : transcript.scrollHeight;
  }

  // A card whose buttons carry a single-use token (a confirm card) is finished once one is pressed: its
  // buttons are disabled and it says so, as Teams replaces the card and Slack the message.
  function finish(holder, title) {
    holder.classList.add('finished');
    Array.prototype.forEach.call(holder.querySelectorAll('button'), function (b) {
      b.disabled = true;
      b.setAttribute('aria-disabled', 'true');
    });
    holder.appendChild(el('p', 'finished-note', 'Finished: you pressed “' + title + '”. The answer is below.'));
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // `activityId`: the message the card is in. A press names it (replyToId), so that a decision replaces that
  // message and a refused press redraws that card in place with the refusal on top, as Teams does.
  function renderCard(content, activityId) {
    var card = new AdaptiveCards.AdaptiveCard();
    var holder = el('div', 'card');
    if (state.hostConfig) card.hostConfig = state.hostConfig;
    card.onExecuteAction = function (action) {
      if (holder.classList.contains('finished')) return;
      var data = action.data && typeof action.data === 'object' ? Object.assign({}, action.data) : {};
      if (action.verb && !data.verb) data.verb = action.verb; // an Action.Execute, should one arrive
      if (data.token) finish(holder, action.title || '');
      state.pressedId = activityId || '';
      post({ type: 'message', value: data, replyToId: activityId, channelData: { postBack: true, buttonTitle: action.title || '' } });
    };
    card.parse(content);
    var rendered = card.render();
    holder.appendChild(rendered);
    return holder;
  }

  // Rendered bot messages by activity id: a messageUpdate (a shown password hiding itself) replaces one.
  var rows = {};

  function renderActivity(activity) {
    if (activity.type === 'messageUpdate') {
      var shown = rows[activity.id];
      if (!shown) return;
      shown.textContent = '';
      fillBotRow(shown, activity);
      // The card just pressed, drawn again (a refusal on top): shown from its top, where the refusal is.
      if (activity.id === state.pressedId) {
        state.pressedId = '';
        scrollTo(shown);
      }
      return;
    }
    if (activity.type !== 'message') return;
    var fromBot = activity.from && activity.from.role === 'bot';
    var row = el('div', 'msg ' + (fromBot ? 'bot' : 'user'));
    if (!fromBot) {
      if (activity.text) row.appendChild(el('span', 'bubble', activity.text));
      else if (activity.value) {
        var title = activity.channelData && activity.channelData.buttonTitle;
        row.appendChild(el('span', 'pressed', 'You pressed “' + (title || activity.value.verb) + '”'));
      }
    } else {
      state.pressedId = ''; // the press was answered with a new message
      fillBotRow(row, activity);
      if (activity.id) rows[activity.id] = row;
    }
    transcript.appendChild(row);
    scrollTo(row);
  }

  function fillBotRow(row, activity) {
    if (activity.text) row.appendChild(el('div', 'text', activity.text));
    (activity.attachments || []).forEach(function (attachment) {
      if (attachment.contentType === 'application/vnd.microsoft.card.adaptive') row.appendChild(renderCard(attachment.content, activity.id));
    });
  }

  function post(activity) {
    var gen = state.generation;
    activity.from = { id: state.user.login, name: state.user.label };
    activity.locale = navigator.language || 'en-US';
    // As Web Chat does: the bot shows times in this zone (with UTC beside), for display only.
    activity.localTimezone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    activity.channelData = Object.assign({ clientActivityID: String(Date.now()) + Math.random().toString(36).slice(2) }, activity.channelData || {});
    setStatus('Sending…');
    return api('POST', '/v3/directline/conversations/' + encodeURIComponent(state.conversationId) + '/activities', activity)
      .then(function () { if (gen === state.generation) setStatus(''); })
      .catch(function (err) { setStatus('Could not send: ' + err.message); });
  }

  function poll(gen) {
    if (gen !== state.generation) return Promise.resolve();
    var path = '/v3/directline/conversations/' + encodeURIComponent(state.conversationId) + '/activities?watermark=' + encodeURIComponent(state.watermark);
    return api('GET', path)
      .then(function (page) {
        if (gen !== state.generation) return;
        page.activities.forEach(renderActivity);
        state.watermark = page.watermark;
      })
      .catch(function (err) { setStatus('Connection problem: ' + err.message); })
      .then(function () { return sleep(POLL_MS); })
      .then(function () { return poll(gen); });
  }

  function start(user) {
    state.generation += 1;
    var gen = state.generation;
    state.user = user;
    state.token = '';
    state.watermark = '';
    state.conversationId = '';
    transcript.textContent = '';
    rows = {};
    setConnected(false);
    setStatus('Connecting…');
    return api('POST', '/v3/directline/conversations').then(function (session) {
      if (gen !== state.generation) return;
      state.conversationId = session.conversationId;
      state.token = session.token;
      // Only now is there a conversation to send to: a command typed earlier would have gone nowhere.
      transcript.appendChild(el('p', 'status', 'You are ' + user.label + '. Type "help" to begin.'));
      setStatus('');
      setConnected(true);
      // Tells the bot who this conversation is (Web Chat's join event): a supervisor's console then
      // receives approval requests without typing anything first.
      post({ type: 'event', name: 'webchat/join' });
      poll(gen);
    }).catch(function (err) { setStatus('Could not start a conversation: ' + err.message + '. Reload the page to try again.'); });
  }

  // While no conversation is open the box is read-only and Send is off, so nothing typed is lost.
  function setConnected(connected) {
    var input = document.getElementById('input');
    input.readOnly = !connected;
    document.querySelector('#sendbox button').disabled = !connected;
    if (connected) input.focus();
  }

  // One sent thing as a person reads it: what it is, when, to whom, then its text with its line breaks.
  function outboxEntry(item) {
    var li = el('li');
    var when = item && item.at ? new Date(item.at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) : '';
    var heading;
    if (item && item.channel === 'sms') heading = 'SMS to ' + item.to;
    else if (item && item.channel === 'ticket') heading = (item.event === 'comment' ? 'Comment on ticket ' : 'New ticket ') + item.ticket;
    else heading = 'Sent';
    li.appendChild(el('p', 'outbox-heading', heading + (when ? ' · ' + when : '')));
    if (item && item.subject) li.appendChild(el('p', 'outbox-subject', item.subject));
    var text = item && typeof item === 'object' ? (item.body !== undefined ? item.body : item.text) : item;
    li.appendChild(el('pre', '', typeof text === 'string' ? text : JSON.stringify(item, null, 1)));
    return li;
  }

  function refreshOutbox() {
    fetch('/api/dev/outbox').then(function (res) { return res.json(); }).then(function (items) {
      var list = document.getElementById('outbox');
      list.textContent = '';
      if (!items.length) list.appendChild(el('li', 'hint', 'Nothing sent yet.'));
      items.slice().reverse().forEach(function (item) { list.appendChild(outboxEntry(item)); });
    }).catch(function () { /* shown again on the next round */ });
  }

  document.getElementById('sendbox').addEventListener('submit', function (event) {
    event.preventDefault();
    var input = document.getElementById('input');
    var text = input.value.trim();
    if (!text || !state.conversationId) return;
    input.value = '';
    post({ type: 'message', text: text });
  });

  // The host config first (the cards' colours: WCAG AA on every container style), then the users.
  fetch('/console/host-config.json').then(function (res) { return res.json(); }).then(function (json) {
    state.hostConfig = new AdaptiveCards.HostConfig(json);
  }).catch(function () { /* the SDK's defaults */ }).then(function () {
    return fetch('/api/dev/console');
  }).then(function (res) { return res.json(); }).then(function (info) {
    info.users.forEach(function (user, i) {
      var option = el('option', '', user.label);
      option.value = String(i);
      who.appendChild(option);
    });
    who.addEventListener('change', function () { start(info.users[Number(who.value)]); });
    if (info.users.length) start(info.users[0]);
  });
  refreshOutbox();
  setInterval(refreshOutbox, 3000);
})();
