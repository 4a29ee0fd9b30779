/**
 * The demo inbox (GET /demo when DEMO is on): one self-contained page on the browser client.
 * The server decides whom it shows before serving it (DemoService) and renders that into the
 * page, so the page connects only as someone it can connect as.
 * Kept in a TypeScript string so the build ships it inside dist/ with the server.
 * Data is rendered with textContent only: a notification's data is whatever was posted.
 */
export type DemoViewer =
  /** The user of the ticket in the page's address, registered by a backend. */
  | { via: 'ticket'; userId: string; connectionId: string }
  /** The application's user, by the browser's cookies (AUTH_DELEGATE_URL). */
  | { via: 'session'; userId: string }
  /** A user of this page's own, with a ticket pns registered for it, and why. */
  | { via: 'demo'; userId: string; connectionId: string; reason: 'no-delegate' | 'no-session' | 'delegate-unavailable' }
  /** Nobody: the page says why and does not connect. */
  | { problem: string };

/** What the page's script reads: whom to connect as, and what to say about it. */
interface PageSettings {
  userId?: string;
  connectionId?: string;
  who: string;
  note: string;
  problem?: string;
}

const TICKET_NOTE = 'With the connection ticket in this page\'s address (?connectionId=…), which your backend registered with PUT /api/:userId/register.';
const DEMO_NOTE = {
  'no-delegate': 'As a demo user of this browser, with a ticket pns registered for it: no AUTH_DELEGATE_URL is configured.',
  'no-session': 'As a demo user of this browser, with a ticket pns registered for it: your AUTH_DELEGATE_URL did not recognise this browser (no session).',
  'delegate-unavailable': 'As a demo user of this browser, with a ticket pns registered for it: your AUTH_DELEGATE_URL could not be asked just now.',
} as const;

function settingsOf(viewer: DemoViewer): PageSettings {
  if ('problem' in viewer) return { who: '', note: TICKET_NOTE, problem: `Cannot connect with the ticket in this address: ${viewer.problem} Open /demo without it for a demo user.` };
  switch (viewer.via) {
    case 'ticket':
      return { userId: viewer.userId, connectionId: viewer.connectionId, who: viewer.userId, note: TICKET_NOTE };
    case 'session':
      return { userId: viewer.userId, who: viewer.userId, note: 'With this browser\'s cookies: your AUTH_DELEGATE_URL says this is ' + viewer.userId + '.' };
    case 'demo':
      return { userId: viewer.userId, connectionId: viewer.connectionId, who: 'demo user ' + viewer.userId, note: DEMO_NOTE[viewer.reason] };
  }
}

export function renderDemoPage(viewer: DemoViewer): string {
  // Inside <script> only "</" could end the element early; \u003c is the same JSON text.
  return DEMO_PAGE.replace('__SETTINGS__', () => JSON.stringify(settingsOf(viewer)).replace(/</g, '\\u003c'));
}

const DEMO_PAGE = /* html */ `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>pns demo inbox</title>
<link rel="icon" href="data:,">
<style>
  :root { --ink: #1d2433; --muted: #667085; --line: #e4e7ec; --accent: #3b5bdb; --accent-soft: #edf2ff; --bg: #f5f6fa; --ok: #2f9e44; --bad: #e03131; }
  * { box-sizing: border-box; }
  body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--ink); background: var(--bg); }
  header { display: flex; align-items: center; gap: 16px; padding: 14px 28px; background: #fff; border-bottom: 1px solid var(--line); }
  .brand { font-weight: 700; font-size: 18px; letter-spacing: -0.01em; }
  .brand small { font-weight: 500; color: var(--muted); margin-left: 6px; }
  .spacer { flex: 1; }
  #who { font-size: 13px; color: var(--muted); }
  #status { display: inline-flex; align-items: center; gap: 6px; font-size: 13px; color: var(--muted); padding: 4px 10px; border: 1px solid var(--line); border-radius: 999px; }
  #status::before { content: ""; width: 8px; height: 8px; border-radius: 50%; background: #adb5bd; }
  #status[data-state="open"]::before { background: var(--ok); }
  #status[data-state="closed"]::before { background: var(--bad); }
  #bell { position: relative; width: 42px; height: 42px; border: 1px solid var(--line); border-radius: 12px; background: #fff; cursor: pointer; display: grid; place-items: center; color: var(--ink); }
  #bell:hover { background: var(--accent-soft); }
  #bell svg { width: 22px; height: 22px; }
  #badge { position: absolute; top: -7px; right: -7px; min-width: 21px; height: 21px; padding: 0 6px; border-radius: 999px; background: var(--bad); color: #fff; font-size: 12px; font-weight: 700; line-height: 21px; text-align: center; box-shadow: 0 0 0 2px #fff; }
  #badge[hidden] { display: none; }
  main { max-width: 1080px; margin: 28px auto; padding: 0 28px; display: grid; grid-template-columns: minmax(0, 1.6fr) minmax(0, 1fr); gap: 24px; align-items: start; }
  @media (max-width: 820px) { main { grid-template-columns: 1fr; } }
  .card { background: #fff; border: 1px solid var(--line); border-radius: 14px; padding: 20px 22px; box-shadow: 0 1px 2px rgba(16, 24, 40, 0.04); }
  .card h2 { margin: 0; font-size: 17px; }
  .card p.sub { margin: 4px 0 14px; color: var(--muted); font-size: 13px; }
  .row { display: flex; align-items: center; gap: 12px; }
  button.primary { border: 0; border-radius: 10px; padding: 9px 14px; background: var(--accent); color: #fff; font: inherit; font-weight: 600; cursor: pointer; }
  button.primary:disabled { background: #c5cbe0; cursor: default; }
  button.quiet { border: 1px solid var(--line); border-radius: 8px; padding: 4px 10px; background: #fff; font: inherit; font-size: 12px; cursor: pointer; color: var(--muted); }
  #items { list-style: none; margin: 8px 0 0; padding: 0; }
  #items li { display: grid; grid-template-columns: 10px 1fr auto; gap: 4px 12px; padding: 12px 10px; border-top: 1px solid var(--line); }
  #items li:first-child { border-top: 0; }
  #items li .dot { width: 8px; height: 8px; margin-top: 7px; border-radius: 50%; }
  #items li.fresh { background: var(--accent-soft); border-radius: 10px; border-top-color: transparent; margin-bottom: 4px; }
  #items li.fresh .dot { background: var(--accent); }
  #items li.fresh + li { border-top-color: transparent; }
  .title { font-weight: 600; }
  .body { grid-column: 2 / 4; color: var(--muted); font-size: 14px; }
  .meta { font-size: 12px; color: var(--muted); white-space: nowrap; }
  .chip { display: inline-block; margin-left: 8px; padding: 0 8px; border-radius: 999px; background: #f1f3f5; color: #495057; font-size: 11px; font-weight: 600; text-transform: uppercase; letter-spacing: 0.03em; vertical-align: 1px; }
  .empty { color: var(--muted); font-size: 14px; padding: 18px 0 6px; text-align: center; }
  h3 { margin: 18px 0 6px; font-size: 12px; text-transform: uppercase; letter-spacing: 0.06em; color: var(--muted); }
  code, pre { font: 12.5px/1.5 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
  #webhook-url { display: block; padding: 8px 10px; border-radius: 8px; background: #f1f3f5; word-break: break-all; }
  pre#curl { margin: 0; padding: 12px; border-radius: 10px; background: #1d2433; color: #e9ecef; white-space: pre-wrap; word-break: break-all; }
  .note { font-size: 13px; color: var(--muted); }
  .note code { background: #f1f3f5; padding: 1px 5px; border-radius: 5px; }
  #items li.unread .title { font-weight: 700; }
  #items li.unread .dot { background: var(--accent); }
  #items li.archived { opacity: 0.55; }
  #items li[hidden] { display: none; }
  .actions { grid-column: 2 / 4; display: flex; gap: 6px; margin-top: 4px; }
  #summary { display: flex; flex-wrap: wrap; align-items: center; gap: 6px; margin: 0 0 10px; font-size: 13px; color: var(--muted); }
  .pill { display: inline-flex; align-items: center; gap: 5px; padding: 2px 9px; border-radius: 999px; background: #f1f3f5; color: #495057; font-size: 12px; font-weight: 600; }
  .pill b { min-width: 18px; padding: 0 5px; border-radius: 999px; background: var(--accent); color: #fff; text-align: center; font-size: 11px; }
  .pill b.zero { background: #adb5bd; }
  label.toggle { margin-left: auto; display: inline-flex; align-items: center; gap: 5px; cursor: pointer; }
  #problem { display: none; margin: 12px 0 0; padding: 10px 12px; border-radius: 10px; background: #fff5f5; color: #c92a2a; font-size: 13px; }
</style>
</head>
<body>
<header>
  <div class="brand">pns<small>demo inbox</small></div>
  <div class="spacer"></div>
  <span id="who"></span>
  <span id="status" data-state="connecting">connecting…</span>
  <button id="bell" type="button" title="Open the new notifications" aria-label="Notifications">
    <svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true"><path d="M18 8a6 6 0 0 0-12 0c0 7-3 9-3 9h18s-3-2-3-9"/><path d="M13.73 21a2 2 0 0 1-3.46 0"/></svg>
    <span id="badge" hidden>0</span>
  </button>
</header>
<main>
  <section class="card" id="inbox">
    <div class="row">
      <div style="flex: 1">
        <h2>Inbox</h2>
        <p class="sub">Opening the new ones marks them seen; read and archive each one: every tab follows.</p>
      </div>
      <button class="primary" id="open" type="button" disabled>No new notifications</button>
    </div>
    <div id="summary">
      <span class="pill" id="unread-pill">unread <b id="unread">0</b></span>
      <span id="categories"></span>
      <label class="toggle"><input type="checkbox" id="show-archived"> show archived</label>
    </div>
    <ul id="items"></ul>
    <p class="empty" id="empty">Nothing here yet. Post a notification for this user, or use the webhook on the right.</p>
    <p id="problem"></p>
  </section>
  <aside class="card" id="webhook">
    <h2>Notify yourself</h2>
    <p class="sub">A webhook URL notifies this user, and nothing else, from anywhere that can make an HTTPS call.</p>
    <button class="primary" id="webhook-button" type="button">Show my webhook URL</button>
    <div id="webhook-details" hidden>
      <h3>Webhook URL</h3>
      <code id="webhook-url"></code>
      <h3>Try it <button class="quiet" id="copy" type="button">copy</button></h3>
      <pre id="curl"></pre>
    </div>
    <h3>Notifications on this device</h3>
    <p class="note" id="push-note">When no tab of this inbox is open, pns can show new notifications here, and takes them away once they are seen anywhere.</p>
    <button class="primary" id="push-button" type="button">Enable notifications</button>
    <h3>How this page connects</h3>
    <p class="note" id="auth-note"></p>
  </aside>
</main>
<script type="application/json" id="settings">__SETTINGS__</script>
<script type="module">
  import { createClient } from './client.js';

  const $ = (id) => document.getElementById(id);
  const settings = JSON.parse($('settings').textContent);
  const transport = new URLSearchParams(location.search).get('transport') || 'auto';
  $('who').textContent = settings.who;
  $('auth-note').textContent = settings.note;

  const items = new Map();
  const fresh = new Set();

  function showCount(count) {
    $('badge').textContent = String(count);
    $('badge').hidden = count === 0;
    $('open').disabled = count === 0;
    $('open').textContent = count === 0 ? 'No new notifications' : 'Open ' + count + ' new';
    document.title = (count > 0 ? '(' + count + ') ' : '') + 'pns demo inbox';
  }

  function showCounts(counts) {
    $('unread').textContent = String(counts.unread);
    $('unread').classList.toggle('zero', counts.unread === 0);
    const pills = Object.entries(counts.categories).sort(([a], [b]) => a.localeCompare(b)).map(([category, count]) => {
      const pill = element('span', 'pill category');
      pill.dataset.category = category;
      const number = element('b', count.unread === 0 ? 'zero' : '', String(count.unread));
      pill.append(category, number);
      pill.title = count.unread + ' unread, ' + count.unseen + ' new, ' + count.total + ' in all';
      return pill;
    });
    $('categories').replaceChildren(...pills);
  }

  function showStatus(state, text) {
    $('status').dataset.state = state;
    $('status').textContent = text;
  }

  function showProblem(text) {
    $('problem').textContent = text;
    $('problem').style.display = text ? 'block' : 'none';
  }

  function describe(data) {
    if (typeof data === 'string') return { title: data, body: '' };
    if (data && typeof data === 'object' && !Array.isArray(data)) {
      const title = data.title || data.message || data.subject || data.text;
      const body = data.body || data.description || data.detail;
      if (typeof title === 'string') return { title, body: typeof body === 'string' ? body : '' };
    }
    return { title: JSON.stringify(data), body: '' };
  }

  function ago(iso) {
    const seconds = Math.max(0, (Date.now() - Date.parse(iso)) / 1000);
    if (seconds < 60) return 'just now';
    if (seconds < 3600) return Math.floor(seconds / 60) + ' min ago';
    if (seconds < 86400) return Math.floor(seconds / 3600) + ' h ago';
    return new Date(iso).toLocaleDateString();
  }

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function render() {
    const list = $('items');
    list.replaceChildren();
    const sorted = [...items.values()].sort((a, b) => b.create_date.localeCompare(a.create_date));
    const showArchived = $('show-archived').checked;
    for (const item of sorted) {
      const { title, body } = describe(item.notification_data);
      const classes = [fresh.has(item.id) ? 'fresh' : '', item.read_date ? 'read' : 'unread', item.archive_date ? 'archived' : ''];
      const li = element('li', classes.filter(Boolean).join(' '));
      li.dataset.id = item.id;
      li.hidden = Boolean(item.archive_date) && !showArchived;
      li.append(element('span', 'dot'));
      const heading = element('div', 'title', title);
      if (item.category) heading.append(element('span', 'chip', item.category));
      li.append(heading, element('span', 'meta', ago(item.create_date)));
      if (body) li.append(element('div', 'body', body));
      const actions = element('div', 'actions');
      actions.append(
        action(item.read_date ? 'Mark unread' : 'Mark read', 'toggle-read', item.read_date ? 'unread' : 'read', item.id),
        action(item.archive_date ? 'Unarchive' : 'Archive', 'toggle-archive', item.archive_date ? 'unarchived' : 'archived', item.id),
      );
      li.append(actions);
      list.append(li);
    }
    $('empty').hidden = [...items.values()].some((item) => showArchived || !item.archive_date);
  }

  function action(label, name, set, id) {
    const button = element('button', 'quiet ' + name, label);
    button.type = 'button';
    button.addEventListener('click', () => {
      window.pns.mark(set, [id]).catch((error) => showProblem('Could not mark it ' + set + ': ' + error.message));
    });
    return button;
  }

  /** What a change does to the notifications shown (docs/protocol.md, Protocol 2). */
  function apply(change) {
    const known = change.ids.map((id) => items.get(id)).filter(Boolean);
    switch (change.type) {
      case 'created':
      case 'updated':
      case 'unsnoozed':
        for (const item of change.items || []) {
          items.set(item.id, item);
          if (!item.seen_date) fresh.add(item.id);
        }
        break;
      case 'seen':
        for (const item of known) item.seen_date = item.seen_date || change.at;
        break;
      case 'read':
        for (const item of known) Object.assign(item, { read_date: change.at, seen_date: item.seen_date || change.at });
        break;
      case 'unread':
        for (const item of known) delete item.read_date;
        break;
      case 'archived':
        for (const item of known) Object.assign(item, { archive_date: change.at, seen_date: item.seen_date || change.at });
        break;
      case 'unarchived':
        for (const item of known) delete item.archive_date;
        break;
      default:
        // deleted, expired, snoozed: out of the inbox.
        for (const id of change.ids) items.delete(id);
    }
    render();
  }

  function remember(list, isFresh) {
    for (const item of list) {
      items.set(item.id, item);
      if (isFresh) fresh.add(item.id);
    }
    render();
  }

  async function loadHistory(client) {
    const monthAgo = new Date(Date.now() - 30 * 86400 * 1000);
    remember(await client.fetchSeen(monthAgo, 50), false);
  }

  async function openUnseen(client) {
    try {
      showProblem('');
      remember(await client.fetchUnseen(50), true);
    } catch (error) {
      showProblem('Could not open the new notifications: ' + error.message);
    }
  }

  const PUSH_REFUSALS = {
    push_unsupported: 'This browser cannot show notifications from this page (it needs service workers and the Push API, over https or on localhost).',
    push_denied: "Notifications are blocked for this site: allow them in the browser's site settings, then try again.",
    push_unavailable: 'Web Push is off on this pns (no VAPID keys are configured).',
  };

  function showPush(enabled, note) {
    $('push-button').dataset.enabled = String(enabled);
    $('push-button').textContent = enabled ? 'Turn notifications off' : 'Enable notifications';
    if (note) $('push-note').textContent = note;
  }

  /** The "enable notifications" button: Web Push through the client (docs/push.md). */
  async function offerPush(client) {
    const supported = window.isSecureContext && 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window;
    if (!supported || Notification.permission === 'denied') {
      $('push-button').disabled = true;
      $('push-note').textContent = PUSH_REFUSALS[supported ? 'push_denied' : 'push_unsupported'];
      return;
    }
    const registration = await navigator.serviceWorker.getRegistration().catch(() => undefined);
    const subscribed = Notification.permission === 'granted' && Boolean(await registration?.pushManager.getSubscription().catch(() => null));
    if (subscribed) showPush(true, 'On: pns shows new notifications here when no tab of this inbox is open.');
    $('push-button').addEventListener('click', async () => {
      $('push-button').disabled = true;
      try {
        if ($('push-button').dataset.enabled === 'true') {
          await client.unsubscribePush();
          showPush(false, 'Off: pns no longer pushes to this browser.');
        } else {
          const { id } = await client.subscribePush();
          $('push-button').dataset.subscription = id;
          showPush(true, 'On: pns shows new notifications here when no tab of this inbox is open.');
        }
        $('push-button').disabled = false;
      } catch (error) {
        $('push-note').textContent = PUSH_REFUSALS[error.code] || 'Could not change notifications: ' + error.message;
        $('push-button').disabled = error.code in PUSH_REFUSALS;
      }
    });
  }

  function connect() {
    const client = createClient({ url: new URL('.', location.href).href, connectionId: settings.connectionId, transport });
    // For playing with the client from the browser's console.
    window.pns = client;
    client.on('count', showCount);
    client.on('counts', showCounts);
    client.on('change', apply);
    // Away longer than pns keeps changes: start over from what it has now.
    client.on('resync', () => {
      items.clear();
      fresh.clear();
      render();
      loadHistory(client).catch((error) => showProblem('Could not load the history: ' + error.message));
    });
    let loaded = false;
    client.on('open', ({ transport }) => {
      showStatus('open', 'live · ' + (transport === 'sse' ? 'SSE' : 'WebSocket'));
      showProblem('');
      // Once: after a reconnection the client resumes, and the changes missed arrive in order.
      if (loaded) return;
      loaded = true;
      loadHistory(client).catch((error) => showProblem('Could not load the history: ' + error.message));
    });
    client.on('close', ({ code, reconnecting }) => {
      showStatus(reconnecting ? 'connecting' : 'closed', reconnecting ? 'reconnecting…' : 'closed (' + code + ')');
    });
    client.on('error', (error) => {
      if (error.code !== 'connect_failed') return;
      showStatus('connecting', 'reconnecting…');
      showProblem(settings.connectionId
        ? 'Cannot connect: is pns running, and is the connection ticket still valid?'
        : 'Cannot connect: is pns running, and is this browser still signed in to the application that pns delegates to?');
    });

    offerPush(client);
    $('bell').addEventListener('click', () => openUnseen(client));
    $('open').addEventListener('click', () => openUnseen(client));
    $('webhook-button').addEventListener('click', async () => {
      try {
        const { url } = await client.requestWebhook();
        $('webhook-url').textContent = url;
        $('curl').textContent = 'curl -X POST ' + url + " -H 'Content-Type: application/json' -d '{\\"message\\": \\"hello\\"}'";
        $('webhook-details').hidden = false;
        $('webhook-button').hidden = true;
      } catch (error) {
        showProblem('Could not get a webhook URL: ' + error.message);
      }
    });
  }

  if (settings.problem) {
    showStatus('closed', 'not connected');
    showProblem(settings.problem);
    $('webhook-button').disabled = true;
    $('push-button').disabled = true;
  } else {
    connect();
  }
  $('show-archived').addEventListener('change', render);
  $('copy').addEventListener('click', () => navigator.clipboard.writeText($('curl').textContent));
  setInterval(render, 60 * 1000);
</script>
</body>
</html>
`;
