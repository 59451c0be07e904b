// Hotline sandbox page: polls /sandbox/state and sends what the customer and
// the staff do to /sandbox/customer and /sandbox/staff; the server keeps
// everything, so a reload or a second tab shows the same.
(function () {
  'use strict';

  var POLL_MS = 700;
  var $ = function (id) { return document.getElementById(id); };
  var state = { customer: '', staff: '', replyTo: 0, people: null, seen: {}, staffLines: [] };

  // Storage survives a reload; a tab keeps its own choice in sessionStorage.
  function remember(key, value) {
    try { sessionStorage.setItem(key, value); localStorage.setItem(key, value); } catch (e) { /* private mode */ }
  }
  function recall(key) {
    try { return sessionStorage.getItem(key) || localStorage.getItem(key) || ''; } catch (e) { return ''; }
  }

  function api(method, path, body) {
    var opts = { method: method, cache: 'no-store', headers: {} };
    if (body) {
      opts.headers['Content-Type'] = 'application/json';
      opts.body = JSON.stringify(body);
    }
    return fetch(path, opts).then(function (res) {
      return res.json().catch(function () { return {}; }).then(function (data) {
        if (!res.ok) { throw new Error(data.error || ('HTTP ' + res.status)); }
        return data;
      });
    });
  }

  // el builds an element: attrs (class, data-*, others), then children
  // (strings become text, never HTML).
  function el(tag, attrs) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === 'class') { node.className = attrs[k]; } else if (k === 'onclick') { node.addEventListener('click', attrs[k]); } else { node.setAttribute(k, attrs[k]); }
    });
    for (var i = 2; i < arguments.length; i++) {
      var c = arguments[i];
      if (c === null || c === undefined || c === '') { continue; }
      node.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
    }
    return node;
  }

  // linkify turns the URLs of a text into links.
  function linkify(text) {
    var frag = document.createDocumentFragment();
    var parts = String(text).split(/(https?:\/\/[^\s，。、）)]+)/);
    parts.forEach(function (p, i) {
      if (i % 2 === 1) {
        frag.appendChild(el('a', { href: p, target: '_blank', rel: 'noopener', 'data-test': 'text-link' }, p));
      } else if (p) {
        frag.appendChild(document.createTextNode(p));
      }
    });
    return frag;
  }

  function showError(id, err) {
    $(id).textContent = err ? String(err.message || err) : '';
  }

  // ---- Choosing who to play -------------------------------------------------

  function fillPicker(select, people, chosen) {
    select.textContent = '';
    people.forEach(function (p) {
      var o = el('option', { value: p.id }, p.label);
      if (p.id === chosen) { o.selected = true; }
      select.appendChild(o);
    });
    return select.value;
  }

  function pick(people, wanted) {
    return people.some(function (p) { return p.id === wanted; }) ? wanted : people[0].id;
  }

  function showPane(name) {
    document.querySelectorAll('.pane').forEach(function (p) { p.classList.toggle('on', p.dataset.pane === name); });
    document.querySelectorAll('.tabs button').forEach(function (b) { b.classList.toggle('on', b.dataset.pane === name); });
    document.querySelectorAll('#pane-' + name + ' ol').forEach(function (list) { list.scrollTop = list.scrollHeight; });
    remember('sandbox.pane', name);
  }

  // ---- The customer's WeChat ------------------------------------------------

  function sendCustomer(body, button) {
    body.id = state.customer;
    if (button) { button.disabled = true; }
    showError('wechat-error', null);
    return api('POST', '/sandbox/customer', body).then(function () {
      poll(true);
    }, function (err) {
      showError('wechat-error', err);
      throw err;
    }).finally(function () { if (button) { button.disabled = false; } });
  }

  function wechatLine(l) {
    var who = l.from === 'customer' ? 'customer' : (l.from === 'system' ? 'system' : 'account');
    var li = el('li', { class: who, 'data-test': 'wechat-line', 'data-kind': l.kind, 'data-via': l.via || '' });
    if (who === 'system') {
      li.appendChild(el('span', { class: 'note' }, l.text));
    } else if (l.kind === 'template') {
      li.appendChild(templateCard(l));
    } else if (l.kind === 'menu') {
      li.appendChild(menuBubble(l.menu));
    } else if (l.kind === 'image') {
      li.appendChild(el('div', { class: 'bubble' }, el('img', { src: l.media, alt: '图片' })));
    } else {
      var b = el('div', { class: 'bubble', title: l.via === 'passive' ? '被动回复' : (l.via === 'custom' ? '客服消息' : '') });
      b.appendChild(linkify(l.text || ''));
      li.appendChild(b);
    }
    return li;
  }

  function menuBubble(menu) {
    var b = el('div', { class: 'bubble', 'data-test': 'msgmenu' });
    if (menu.head) { b.appendChild(el('div', {}, menu.head)); }
    (menu.items || []).forEach(function (it) {
      b.appendChild(el('button', {
        type: 'button', class: 'choice', 'data-test': 'msgmenu-choice', 'data-menu-id': it.id,
        onclick: function (ev) { sendCustomer({ menu_id: it.id, text: it.content }, ev.currentTarget).catch(function () {}); }
      }, it.content));
    });
    if (menu.tail) { b.appendChild(el('div', {}, menu.tail)); }
    return b;
  }

  function templateCard(l) {
    var t = l.template;
    var dl = el('dl');
    (t.rows || []).forEach(function (r) { dl.appendChild(el('dt', {}, r.label)); dl.appendChild(el('dd', {}, r.value)); });
    var card = el('div', { class: 'card', 'data-test': 'template-card' }, el('h4', {}, t.title), el('div', { class: 'date' }, l.time), dl);
    if (t.url) {
      card.appendChild(el('a', { href: t.url, target: '_blank', rel: 'noopener', 'data-test': 'template-link' }, '详情'));
    }
    return card;
  }

  function renderLines(list, lines, render) {
    var nearBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 80;
    list.textContent = '';
    var last = '';
    lines.forEach(function (l) {
      if (l.time !== last) {
        list.appendChild(el('li', { class: 'system' }, el('span', { class: 'time' }, l.time)));
        last = l.time;
      }
      list.appendChild(render(l));
    });
    if (nearBottom || list.dataset.jump === '1') { list.scrollTop = list.scrollHeight; list.dataset.jump = ''; }
  }

  function renderCustomer(c) {
    renderLines($('wechat-messages'), c.lines, wechatLine);
    $('wechat-follow-row').hidden = c.lines.length > 0;
    var quick = $('wechat-quick');
    quick.textContent = '';
    [['单位', c.unit], ['姓名', c.name], ['电话', c.phone], ['房间', c.room]].forEach(function (q) {
      if (!q[1]) { return; }
      quick.appendChild(el('button', {
        type: 'button', 'data-test': 'wechat-quick-fill', title: '填入输入框',
        onclick: function () { $('wechat-input').value = q[1]; $('wechat-input').focus(); }
      }, q[0] + '：' + q[1]));
    });
  }

  // ---- The staff's Telegram -------------------------------------------------

  function sendStaff(body, button) {
    body.id = state.staff;
    if (button) { button.disabled = true; }
    showError('telegram-error', null);
    return api('POST', '/sandbox/staff', body).then(function () {
      $('telegram-messages').dataset.jump = '1';
      poll(true);
    }, function (err) {
      showError('telegram-error', err);
      throw err;
    }).finally(function () { if (button) { button.disabled = false; } });
  }

  function setReply(id, text, focus) {
    state.replyTo = id;
    $('reply-bar').hidden = !id;
    $('reply-text').textContent = id ? text.slice(0, 60) : '';
    if (id && focus) { $('telegram-input').focus(); }
    document.querySelectorAll('.tg-list li').forEach(function (li) {
      li.classList.toggle('replying', id && li.dataset.messageId === String(id));
    });
  }

  function botText(id) {
    var found = state.staffLines.filter(function (l) { return l.from === 'bot' && l.message_id === id; })[0];
    return found ? (found.text || (found.file ? found.file.name : '[图片]')) : '';
  }

  function keyboard(l) {
    var kb = el('div', { class: 'keyboard', 'data-test': 'inline-keyboard' });
    l.buttons.forEach(function (row) {
      var r = el('div');
      row.forEach(function (b) {
        r.appendChild(el('button', {
          type: 'button', 'data-test': 'inline-button', 'data-message-id': String(l.message_id), 'data-data': b.callback_data,
          onclick: function (ev) { sendStaff({ press: { message_id: l.message_id, data: b.callback_data } }, ev.currentTarget).catch(function () {}); }
        }, b.text));
      });
      kb.appendChild(r);
    });
    return kb;
  }

  function telegramLine(l) {
    var who = l.from === 'staff' ? 'staff' : (l.from === 'system' ? 'system' : 'bot');
    var li = el('li', { class: who, 'data-test': 'telegram-line', 'data-kind': l.kind, 'data-message-id': String(l.message_id || '') });
    if (who === 'system') {
      li.appendChild(el('span', { class: 'note', 'data-test': l.kind === 'toast' ? 'telegram-toast' : 'telegram-press' }, l.text));
      return li;
    }
    var b = el('div', { class: 'bubble' });
    if (l.reply_to) { b.appendChild(el('div', { class: 'quote' }, botText(l.reply_to).split('\n')[0].slice(0, 60))); }
    if (l.kind === 'file') {
      b.appendChild(el('div', { class: 'file' }, '📄 ', el('a', { href: l.file.url, 'data-test': 'telegram-file' }, l.file.name), ' (' + Math.ceil(l.file.size / 1024) + ' KB)'));
    } else if (l.kind === 'image' && l.media) {
      b.appendChild(el('img', { src: l.media, alt: '图片' }));
    }
    if (l.text) { b.appendChild(linkify(l.text)); }
    if (l.edited) { b.appendChild(el('span', { class: 'meta' }, '已编辑')); }
    if (who === 'bot') {
      b.title = '点一下回复这条消息';
      b.addEventListener('click', function (ev) {
        if (ev.target.tagName === 'A') { return; }
        setReply(l.message_id, l.text || '', true);
      });
    }
    li.appendChild(b);
    if (who === 'bot' && l.buttons && l.buttons.length) { li.appendChild(keyboard(l)); }
    return li;
  }

  function renderStaff(s) {
    state.staffLines = s.lines;
    renderLines($('telegram-messages'), s.lines, telegramLine);
    setReply(state.replyTo, $('reply-text').textContent);
    var cmds = $('telegram-commands');
    cmds.textContent = '';
    (s.commands || []).forEach(function (c) {
      cmds.appendChild(el('button', {
        type: 'button', 'data-test': 'command', 'data-command': c,
        onclick: function (ev) { sendStaff({ text: c }, ev.currentTarget).catch(function () {}); }
      }, c));
    });
  }

  // ---- The desk -------------------------------------------------------------

  function cell(text, cls) { return el('td', cls ? { class: cls } : {}, text); }

  function renderDesk(d) {
    $('clock-now').textContent = d.now_text;
    $('clock-moving').hidden = !d.moving;
    document.querySelectorAll('[data-move]').forEach(function (b) { b.disabled = d.moving || state.moving; });
    showError('desk-error', d.error || null);
    var tickets = $('desk-tickets');
    tickets.textContent = '';
    d.tickets.forEach(function (t) {
      var dls = el('td');
      t.deadlines.forEach(function (x) {
        dls.appendChild(el('div', { class: x.met ? 'met' : (x.overdue ? 'overdue' : '') }, x.goal + ' ' + x.due));
      });
      tickets.appendChild(el('tr', { 'data-test': 'ticket-row', 'data-ticket': t.number },
        cell(t.number), cell(t.unit + (t.plan ? '（' + t.plan + '）' : '')), cell(t.severity), cell(t.status),
        cell(t.assignee || '—'), dls, cell(t.left ? t.next + ' ' + t.left : '—', t.overdue ? 'overdue' : '')));
    });
    if (!d.tickets.length) { tickets.appendChild(el('tr', {}, el('td', { colspan: '7', class: 'empty' }, '没有未结工单。在左边以客户身份点「报修」试试。'))); }
    var jobs = $('desk-jobs');
    jobs.textContent = '';
    d.jobs.forEach(function (j) {
      jobs.appendChild(el('tr', { 'data-test': 'job-row', 'data-kind': j.code },
        cell(j.kind), cell(j.about || '—'), cell(j.due), cell(j.in, j.passed ? 'passed' : '')));
    });
    if (!d.jobs.length) { jobs.appendChild(el('tr', {}, el('td', { colspan: '4', class: 'empty' }, '没有排定的任务。'))); }
  }

  function moveClock(move) {
    state.moving = true;
    document.querySelectorAll('[data-move]').forEach(function (b) { b.disabled = true; });
    $('clock-message').textContent = '时钟调整中…';
    api('POST', '/sandbox/clock', { move: move }).then(function (res) {
      $('clock-message').textContent = res.message;
    }, function (err) {
      $('clock-message').textContent = err.message;
    }).finally(function () {
      state.moving = false;
      poll(true);
    });
  }

  // ---- Polling --------------------------------------------------------------

  var timer = 0;
  var inFlight = false;

  function poll(soon) {
    clearTimeout(timer);
    if (inFlight) { timer = setTimeout(poll, soon ? 50 : POLL_MS); return; }
    inFlight = true;
    var q = '?customer=' + encodeURIComponent(state.customer) + '&staff=' + encodeURIComponent(state.staff);
    api('GET', '/sandbox/state' + q).then(function (st) {
      showError('desk-error', null);
      changed('customer', st.customer, renderCustomer);
      changed('staff', st.staff, renderStaff);
      changed('desk', st.desk, renderDesk);
    }, function (err) {
      showError('desk-error', err);
    }).finally(function () {
      inFlight = false;
      timer = setTimeout(poll, POLL_MS);
    });
  }

  // changed renders part only when it differs from what is shown.
  function changed(key, part, render) {
    var json = JSON.stringify(part);
    if (state.seen[key] === json) { return; }
    state.seen[key] = json;
    if (part) { render(part); }
  }

  // ---- Wiring ---------------------------------------------------------------

  function start(people) {
    var params = new URLSearchParams(location.search);
    state.people = people;
    state.customer = fillPicker($('customer-picker'), people.customers, pick(people.customers, params.get('customer') || recall('sandbox.customer')));
    state.staff = fillPicker($('staff-picker'), people.staff, pick(people.staff, params.get('staff') || recall('sandbox.staff')));
    showPane(params.get('pane') || recall('sandbox.pane') || 'wechat');

    $('customer-picker').addEventListener('change', function (ev) {
      state.customer = ev.target.value;
      remember('sandbox.customer', state.customer);
      state.seen.customer = '';
      $('wechat-messages').dataset.jump = '1';
      showError('wechat-error', null);
      poll(true);
    });
    $('staff-picker').addEventListener('change', function (ev) {
      state.staff = ev.target.value;
      remember('sandbox.staff', state.staff);
      state.seen.staff = '';
      setReply(0, '');
      $('telegram-messages').dataset.jump = '1';
      showError('telegram-error', null);
      poll(true);
    });
    document.querySelectorAll('.tabs button').forEach(function (b) {
      b.addEventListener('click', function () { showPane(b.dataset.pane); });
    });
    document.querySelectorAll('.wx-menu button').forEach(function (b) {
      b.addEventListener('click', function () { sendCustomer({ event: 'CLICK', key: b.dataset.key }, b).catch(function () {}); });
    });
    $('wechat-follow').addEventListener('click', function (ev) { sendCustomer({ event: 'subscribe' }, ev.currentTarget).catch(function () {}); });
    $('wechat-form').addEventListener('submit', function (ev) {
      ev.preventDefault();
      var input = $('wechat-input');
      if (!input.value.trim()) { return; }
      $('wechat-messages').dataset.jump = '1';
      sendCustomer({ text: input.value }, ev.submitter).then(function () { input.value = ''; }, function () {});
    });
    $('telegram-form').addEventListener('submit', function (ev) {
      ev.preventDefault();
      var input = $('telegram-input');
      if (!input.value.trim()) { return; }
      var body = { text: input.value };
      if (state.replyTo) { body.reply_to = state.replyTo; }
      sendStaff(body, ev.submitter).then(function () { input.value = ''; setReply(0, ''); }, function () {});
    });
    $('reply-cancel').addEventListener('click', function () { setReply(0, ''); });
    document.querySelectorAll('[data-move]').forEach(function (b) {
      b.addEventListener('click', function () { moveClock(b.dataset.move); });
    });
    poll(true);
  }

  api('GET', '/sandbox/people').then(start, function (err) {
    showError('desk-error', err);
    showError('wechat-error', err);
  });
}());
