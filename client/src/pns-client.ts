/**
 * The pns browser client: one dependency-free ES module, served by pns at
 * `/client.js` and published as a package. It keeps one live connection to pns, over
 * WebSocket or Server-Sent Events, and makes the device protocol's requests (pns's docs/protocol.md).
 */

export type TransportName = 'websocket' | 'sse';

export interface ClientOptions {
  /** The pns base URL (a path prefix is kept). Default: the page's origin. */
  url?: string;
  /**
   * A connection ticket your backend registered (`PUT /api/:userId/register?connectionId=`).
   * Without one the browser's cookies go along, for pns to ask your AUTH_DELEGATE_URL.
   */
  connectionId?: string;
  /** `"auto"` (default): WebSocket, and Server-Sent Events when the WebSocket cannot connect. */
  transport?: 'auto' | TransportName;
  /** How long a request may wait for its answer, waiting for a connection included. Default 10 000. */
  requestTimeoutMs?: number;
  /** Reconnection waits a random time between half and all of min(max, min × 2^failures). Default 500 and 30 000. */
  reconnectDelayMs?: { min?: number; max?: number };
}

/** A notification as devices see it (pns's docs/protocol.md, Frames). */
export interface Item {
  id: string;
  notification_data: unknown;
  create_date: string;
  /** Present once seen. */
  seen_date?: string;
  category?: string;
  /** Each present only when set. */
  read_date?: string;
  archive_date?: string;
  update_date?: string;
  expire_date?: string;
  key?: string;
}

export interface CategoryCounts {
  unseen: number;
  unread: number;
  total: number;
}

/** The user's counts as of `version`, over notifications not archived; `categories` lists those with any. */
export interface Counts extends CategoryCounts {
  version: number;
  categories: Record<string, CategoryCounts>;
}

export type ChangeType = 'created' | 'updated' | 'seen' | 'read' | 'unread' | 'archived' | 'unarchived' | 'snoozed' | 'unsnoozed' | 'deleted' | 'expired';

/** One change of the user's inbox, the step to `version` (pns's docs/protocol.md, Protocol 2). */
export interface Change {
  version: number;
  type: ChangeType;
  at: string;
  ids: string[];
  /** For created, updated and unsnoozed: those of `ids` that still exist, as they are now. */
  items?: Item[];
}

export type MarkSet = 'seen' | 'read' | 'unread' | 'archived' | 'unarchived';

/** Which notifications a mark applies to: these ids, those a filter matches, or all. */
export type MarkSelector =
  | string[]
  | { ids: string[] }
  | { filter: { category?: string | string[]; createdBefore?: string | Date; state?: string } }
  | { all: true };

export interface MarkResult {
  /** How many notifications' mark actually changed. */
  updated: number;
  counts: Counts;
}

/** A capability URL that notifies this user (pns's docs/api.md, Webhook URLs). */
export interface Webhook {
  id: string;
  url: string;
}

/** Where this browser's Web Push subscription lives (pns's docs/push.md, The service worker). */
export interface PushOptions {
  /**
   * The service worker script to register; it must be on the page's origin. Default: pns's
   * `/pns-sw.js`, right when the page and pns share an origin; otherwise a worker of yours
   * that runs `importScripts('https://pns.example.com/pns-sw.js')`.
   */
  serviceWorker?: string;
  /** The worker's scope. Default: the folder of its script. */
  scope?: string;
}

/** This browser's subscription, as pns stored it. */
export interface PushSubscribed {
  /** pns's id of the subscription; the same for the same browser each time. */
  id: string;
  /** The browser's own subscription (its endpoint and keys). */
  subscription: PushSubscription;
}

export interface ClientEvents {
  /** The user's unseen count, first on connecting and again on every change. */
  count: number;
  /** The user's counts, first on connecting and again after every change (coalesced under bursts). */
  counts: Counts;
  /** Every change of the user's inbox, in version order, none skipped, also across reconnections. */
  change: Change;
  /**
   * pns no longer keeps the changes since the client's last version (it was away longer than
   * the change retention): reload what you show; new counts follow at once.
   */
  resync: { version: number };
  open: { transport: TransportName };
  /** A connection ended; `reconnecting` false means the client has stopped for good. */
  close: { code: number; reason: string; reconnecting: boolean };
  /** A connection attempt failed, or the server sent something unexpected. */
  error: PnsError;
}

export interface PnsClient {
  /** The latest unseen count (0 until the first arrives). */
  readonly count: number;
  /** The latest counts (all 0, version 0, until the first arrive). */
  readonly counts: Counts;
  /** The transport of the open connection, if one is open. */
  readonly transport: TransportName | undefined;
  readonly state: 'connecting' | 'open' | 'closed';
  /** Returns a function that removes the listener. */
  on<E extends keyof ClientEvents>(event: E, listener: (value: ClientEvents[E]) => void): () => void;
  /** The unseen notifications, newest first; pns marks them seen, and every device hears the new count. */
  fetchUnseen(limit?: number): Promise<Item[]>;
  /** Seen notifications created after `receivedAfter`, newest first. */
  fetchSeen(receivedAfter: Date | string, limit?: number): Promise<Item[]>;
  /** A webhook URL that notifies this user. */
  requestWebhook(): Promise<Webhook>;
  /** Sets a mark on the selected notifications; every device of the user hears the change. */
  mark(set: MarkSet, selector: MarkSelector): Promise<MarkResult>;
  /** The counts as pns has them now. */
  fetchCounts(): Promise<Counts>;
  /**
   * Lets pns reach this browser when no device of the user is connected (Web Push): asks for
   * the notification permission if not yet given, registers the service worker, subscribes
   * with pns's VAPID key and hands the subscription to pns. Safe to call on every visit.
   * Rejects with `push_unsupported`, `push_denied`, `push_unavailable` or `push_failed`.
   */
  subscribePush(options?: PushOptions): Promise<PushSubscribed>;
  /** Removes this browser's subscription from pns and from the browser; false when there was none. */
  unsubscribePush(options?: PushOptions): Promise<boolean>;
  /** Closes the connection for good; pending requests reject with code `closed`. */
  close(): void;
}

/**
 * `code`: the server's (`bad_request`, `internal_error`), `http_<status>` for a refused SSE
 * request, or the client's own: `timeout`, `closed`, `connection_lost`, `connect_failed`, `bad_frame`,
 * and for Web Push `push_unsupported`, `push_denied`, `push_unavailable`, `push_failed`.
 */
export class PnsError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'PnsError';
  }
}

/** The close code pns uses when the application drops the user's connections. */
export const DROPPED_CLOSE_CODE = 4001;

export function createClient(options: ClientOptions = {}): PnsClient {
  return new Client(options);
}

type Frame = Record<string, unknown>;

const CONNECT_TIMEOUT_MS = 10_000;
/** A connection that lasted this long resets the backoff; one closed sooner counts as a failure. */
const STABLE_CONNECTION_MS = 5_000;
const ABNORMAL_CLOSE = 1006;

interface Endpoints {
  websocket: string;
  events: string;
  requests: string;
  vapidPublicKey: string;
  serviceWorker: string;
  /** Cookies go along only without a ticket: a ticket needs no credentialed CORS. */
  withCredentials: boolean;
}

interface ConnectionEvents {
  opened(): void;
  /** A parsed server frame, to be checked by the client. */
  frame(frame: unknown): void;
  /** Called once, unless the client closed the connection itself. */
  closed(code: number, reason: string): void;
}

interface Connection {
  readonly transport: TransportName;
  /** WebSocket answers arrive as frames (undefined here); an SSE answer is the POST's body. */
  send(request: Frame): Promise<Frame> | undefined;
  close(): void;
}

interface Pending {
  readonly request: Frame;
  sentOver: Connection | undefined;
  settle(frame: Frame): void;
  fail(error: PnsError): void;
}

class Client implements PnsClient {
  counts: Counts = { version: 0, unseen: 0, unread: 0, total: 0, categories: {} };
  state: PnsClient['state'] = 'connecting';
  /** The version of the last change, counts or resync received: a reconnection resumes after it. */
  private version: number | undefined;
  private connection: Connection | undefined;
  private opened = false;
  private readonly listeners: { [E in keyof ClientEvents]: Set<(value: ClientEvents[E]) => void> } = {
    count: new Set(),
    counts: new Set(),
    change: new Set(),
    resync: new Set(),
    open: new Set(),
    close: new Set(),
    error: new Set(),
  };
  private readonly pending = new Map<string, Pending>();
  private readonly endpoints: Endpoints;
  private readonly auto: boolean;
  /** In auto mode, the transport that last opened is tried first. */
  private preferred: TransportName;
  private failures = 0;
  private openedAt = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private nextRequestId = 1;

  constructor(private readonly options: ClientOptions) {
    this.endpoints = endpointsOf(options);
    this.auto = (options.transport ?? 'auto') === 'auto';
    this.preferred = options.transport === 'sse' ? 'sse' : 'websocket';
    this.connect(this.preferred, this.auto);
  }

  get count(): number {
    return this.counts.unseen;
  }

  get transport(): TransportName | undefined {
    return this.opened ? this.connection?.transport : undefined;
  }

  on<E extends keyof ClientEvents>(event: E, listener: (value: ClientEvents[E]) => void): () => void {
    const listeners = this.listeners[event] as Set<typeof listener>;
    listeners.add(listener);
    return () => listeners.delete(listener);
  }

  async fetchUnseen(limit?: number): Promise<Item[]> {
    const answer = await this.request({ unseenNotificationDataRequest: limit === undefined ? {} : { limit } });
    return answerField<Item[]>(answer, 'newNotificationData');
  }

  async fetchSeen(receivedAfter: Date | string, limit?: number): Promise<Item[]> {
    const after = receivedAfter instanceof Date ? receivedAfter.toISOString() : receivedAfter;
    const answer = await this.request({ seenNotificationsRequest: limit === undefined ? { receivedAfter: after } : { receivedAfter: after, limit } });
    return answerField<Item[]>(answer, 'seenNotificationData');
  }

  async requestWebhook(): Promise<Webhook> {
    return answerField<Webhook>(await this.request({ webhookRequest: {} }), 'webhook');
  }

  async mark(set: MarkSet, selector: MarkSelector): Promise<MarkResult> {
    const target = Array.isArray(selector) ? { ids: selector } : 'filter' in selector ? { filter: filterOf(selector.filter) } : selector;
    return answerField<MarkResult>(await this.request({ markRequest: { set, ...target } }), 'marked');
  }

  async fetchCounts(): Promise<Counts> {
    return answerField<Counts>(await this.request({ countsRequest: {} }), 'counts');
  }

  async subscribePush(options: PushOptions = {}): Promise<PushSubscribed> {
    const subscription = await subscribeBrowser(this.endpoints, options);
    return { id: await this.storePushSubscription(subscription), subscription };
  }

  async unsubscribePush(options: PushOptions = {}): Promise<boolean> {
    if (!pushSupported()) return false;
    const script = new URL(options.serviceWorker ?? this.endpoints.serviceWorker, globalThis.location.href);
    const registration = await navigator.serviceWorker.getRegistration(options.scope ?? new URL('./', script).href);
    const subscription = await registration?.pushManager.getSubscription();
    if (!subscription) return false;
    // pns knows a subscription by its endpoint: handing it over again answers its id.
    await this.request({ pushUnsubscribeRequest: { id: await this.storePushSubscription(subscription) } });
    await subscription.unsubscribe();
    return true;
  }

  close(): void {
    if (this.state === 'closed') return;
    this.stop(1000, 'closed by the client');
  }

  private connect(transport: TransportName, mayFallBack: boolean): void {
    this.state = 'connecting';
    this.opened = false;
    const events: ConnectionEvents = {
      opened: () => this.onOpen(connection),
      frame: (frame) => this.onFrame(frame),
      closed: (code, reason) => this.onClosed(connection, code, reason, mayFallBack),
    };
    // Protocol 2, resuming after the last version seen: pns sends what was missed, in order.
    const connection = transport === 'websocket' ? openWebSocket(this.endpoints, this.version, events) : openEventStream(this.endpoints, this.version, events);
    this.connection = connection;
  }

  private onOpen(connection: Connection): void {
    this.state = 'open';
    this.opened = true;
    this.openedAt = Date.now();
    if (this.auto) this.preferred = connection.transport;
    this.emit('open', { transport: connection.transport });
    for (const [id, pending] of this.pending) if (!pending.sentOver) this.send(id, pending);
  }

  private onClosed(connection: Connection, code: number, reason: string, mayFallBack: boolean): void {
    const wasOpen = this.opened;
    if (wasOpen && Date.now() - this.openedAt >= STABLE_CONNECTION_MS) this.failures = 0;
    this.connection = undefined;
    this.opened = false;
    // A WebSocket request already sent will never be answered; an SSE request is its own POST.
    for (const pending of this.pending.values()) {
      if (pending.sentOver === connection && connection.transport === 'websocket') pending.fail(new PnsError('connection_lost', 'the connection closed before the answer arrived'));
    }
    if (code === DROPPED_CLOSE_CODE) return this.stop(code, reason || 'dropped by the application');
    if (!wasOpen && mayFallBack) return this.connect(connection.transport === 'websocket' ? 'sse' : 'websocket', false);
    if (wasOpen) this.emit('close', { code, reason, reconnecting: true });
    else this.emit('error', new PnsError('connect_failed', `could not connect to pns over ${this.auto ? 'WebSocket or SSE' : connection.transport}: ${reason}`));
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    this.state = 'connecting';
    const min = this.options.reconnectDelayMs?.min ?? 500;
    const max = this.options.reconnectDelayMs?.max ?? 30_000;
    const ceiling = Math.min(max, min * 2 ** this.failures);
    this.failures += 1;
    // Jitter spreads the reconnections of many devices after a server restart.
    const delay = ceiling / 2 + (Math.random() * ceiling) / 2;
    this.retryTimer = setTimeout(() => this.connect(this.preferred, this.auto), delay);
  }

  /** Stops for good: no reconnection, every pending request rejected, one final close event. */
  private stop(code: number, reason: string): void {
    this.state = 'closed';
    clearTimeout(this.retryTimer);
    const connection = this.connection;
    this.connection = undefined;
    this.opened = false;
    connection?.close();
    for (const pending of [...this.pending.values()]) pending.fail(new PnsError('closed', `the client is closed (${reason})`));
    this.emit('close', { code, reason, reconnecting: false });
  }

  private onFrame(frame: unknown): void {
    if (!isObject(frame)) {
      this.emit('error', new PnsError('bad_frame', `pns sent an unexpected frame: ${String(JSON.stringify(frame)).slice(0, 200)}`));
      return;
    }
    // Pushed frames carry no requestId; an answer to countsRequest does.
    if (frame.requestId === undefined) {
      if (isObject(frame.change)) return this.onChange(frame.change as unknown as Change);
      if (isObject(frame.counts)) return this.onCounts(frame.counts as unknown as Counts);
      if (isObject(frame.resync)) return this.onResync(frame.resync as { version: number });
    }
    const pending = typeof frame.requestId === 'string' ? this.pending.get(frame.requestId) : undefined;
    if (pending) return pending.settle(frame);
    if (isObject(frame.error)) this.emit('error', errorOf(frame.error));
  }

  private onChange(change: Change): void {
    this.version = change.version;
    this.emit('change', change);
  }

  private onCounts(counts: Counts): void {
    this.version = counts.version;
    this.counts = counts;
    this.emit('counts', counts);
    this.emit('count', counts.unseen);
  }

  private onResync(resync: { version: number }): void {
    this.version = resync.version;
    this.emit('resync', resync);
  }

  private async storePushSubscription(subscription: PushSubscription): Promise<string> {
    const answer = await this.request({ pushSubscribeRequest: { webpush: subscription.toJSON() } });
    return answerField<{ id: string }>(answer, 'pushSubscription').id;
  }

  private request(body: Frame): Promise<Frame> {
    if (this.state === 'closed') return Promise.reject(new PnsError('closed', 'the client is closed'));
    const requestId = `pns-${this.nextRequestId++}`;
    const timeoutMs = this.options.requestTimeoutMs ?? 10_000;
    return new Promise<Frame>((resolve, reject) => {
      const timer = setTimeout(() => pending.fail(new PnsError('timeout', `no answer within ${timeoutMs} ms`)), timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.pending.delete(requestId);
      };
      const pending: Pending = {
        request: { ...body, requestId },
        sentOver: undefined,
        settle: (frame) => {
          done();
          if (isObject(frame.error)) reject(errorOf(frame.error));
          else resolve(frame);
        },
        fail: (error) => {
          done();
          reject(error);
        },
      };
      this.pending.set(requestId, pending);
      if (this.state === 'open') this.send(requestId, pending);
    });
  }

  private send(requestId: string, pending: Pending): void {
    const connection = this.connection!;
    pending.sentOver = connection;
    connection.send(pending.request)?.then((answer) => this.pending.get(requestId)?.settle(answer));
  }

  private emit<E extends keyof ClientEvents>(event: E, value: ClientEvents[E]): void {
    for (const listener of [...this.listeners[event]]) {
      try {
        listener(value);
      } catch (error) {
        // One listener's bug must not stop the client nor the other listeners.
        setTimeout(() => {
          throw error;
        });
      }
    }
  }
}

function openWebSocket(endpoints: Endpoints, since: number | undefined, events: ConnectionEvents): Connection {
  const socket = new WebSocket(withQuery(endpoints.websocket, since === undefined ? {} : { since }));
  let closedByClient = false;
  // A proxy may hold an upgrade it will never complete.
  const timer = setTimeout(() => socket.close(), CONNECT_TIMEOUT_MS);
  socket.onopen = () => {
    clearTimeout(timer);
    events.opened();
  };
  socket.onmessage = (message: MessageEvent) => {
    if (!closedByClient) events.frame(parseJson(String(message.data)));
  };
  socket.onclose = (event: CloseEvent) => {
    clearTimeout(timer);
    // Browsers hide why an upgrade failed (a 401, a proxy's 403, nothing listening): all are 1006.
    if (!closedByClient) events.closed(event.code, event.reason || (event.code === ABNORMAL_CLOSE ? 'the WebSocket closed abnormally' : ''));
  };
  return {
    transport: 'websocket',
    send(request) {
      socket.send(JSON.stringify(request));
      return undefined;
    },
    close() {
      closedByClient = true;
      clearTimeout(timer);
      socket.close(1000);
    },
  };
}

function openEventStream(endpoints: Endpoints, since: number | undefined, events: ConnectionEvents): Connection {
  // EventSource sets no headers: the last version goes as ?lastEventId=, which pns reads as Last-Event-ID.
  const source = new EventSource(withQuery(endpoints.events, since === undefined ? {} : { lastEventId: since }), { withCredentials: endpoints.withCredentials });
  let finished = false;
  const finish = (code: number, reason: string) => {
    if (finished) return;
    finished = true;
    clearTimeout(timer);
    // EventSource would retry by itself at its own pace; the client's backoff decides instead.
    source.close();
    events.closed(code, reason);
  };
  const timer = setTimeout(() => finish(ABNORMAL_CLOSE, 'the event stream did not open in time'), CONNECT_TIMEOUT_MS);
  source.onopen = () => {
    clearTimeout(timer);
    events.opened();
  };
  source.onerror = () => finish(ABNORMAL_CLOSE, 'the event stream failed');
  for (const name of ['counts', 'change', 'resync']) {
    source.addEventListener(name, (event) => events.frame({ [name]: parseJson((event as MessageEvent).data) }));
  }
  // How pns ends a stream for a reason (the application dropped the user: 4001).
  source.addEventListener('close', (event) => {
    const value = parseJson((event as MessageEvent).data);
    const { code = ABNORMAL_CLOSE, reason = '' } = (isObject(value) ? value : {}) as { code?: number; reason?: string };
    finish(code, reason);
  });
  return {
    transport: 'sse',
    send: (request) => postRequest(endpoints, request),
    close() {
      finished = true;
      clearTimeout(timer);
      source.close();
    },
  };
}

/** Resolves to the answer frame, or to an error frame when pns refused or could not be reached. */
async function postRequest(endpoints: Endpoints, request: Frame): Promise<Frame> {
  const failed = (code: string, message: string): Frame => ({ error: { code, message }, requestId: request.requestId });
  let response: Response;
  try {
    response = await fetch(endpoints.requests, {
      method: 'POST',
      // A string body goes as text/plain, which pns reads as JSON all the same: a page of another
      // origin then makes a "simple" request, without a CORS preflight before each one.
      body: JSON.stringify(request),
      credentials: endpoints.withCredentials ? 'include' : 'same-origin',
    });
  } catch (error) {
    return failed('connection_lost', `the request could not be sent: ${(error as Error).message}`);
  }
  const body: unknown = await response.json().catch(() => undefined);
  if (isObject(body) && (response.ok || isObject(body.error))) return { requestId: request.requestId, ...body };
  const message = isObject(body) && typeof body.message === 'string' ? body.message : response.statusText;
  return failed(`http_${response.status}`, message);
}

function pushSupported(): boolean {
  return globalThis.isSecureContext === true && 'serviceWorker' in navigator && 'PushManager' in globalThis && 'Notification' in globalThis;
}

/** This browser's subscription with pns's key: the one it has, or a new one. */
async function subscribeBrowser(endpoints: Endpoints, options: PushOptions): Promise<PushSubscription> {
  if (!pushSupported()) throw new PnsError('push_unsupported', 'this browser cannot receive Web Push on this page (it needs service workers, the Push API and notifications, in a secure context)');
  // Asked before anything is registered: a refusal leaves nothing behind.
  const permission = Notification.permission === 'default' ? await Notification.requestPermission() : Notification.permission;
  if (permission !== 'granted') throw new PnsError('push_denied', permission === 'denied' ? 'notifications are blocked for this site' : 'notifications were not allowed');
  const applicationServerKey = await vapidPublicKey(endpoints);
  const registration = await pushFailure('could not register the service worker', () =>
    navigator.serviceWorker.register(options.serviceWorker ?? endpoints.serviceWorker, options.scope === undefined ? undefined : { scope: options.scope }),
  );
  await activated(registration);
  const existing = await registration.pushManager.getSubscription();
  if (existing && sameBytes(existing.options.applicationServerKey, applicationServerKey)) return existing;
  // Made with another key (pns's keys were replaced): the browser refuses a second key until it goes.
  await existing?.unsubscribe();
  return pushFailure("the browser's push service refused", () => registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey }));
}

async function vapidPublicKey(endpoints: Endpoints): Promise<Uint8Array<ArrayBuffer>> {
  const response = await pushFailure('could not ask pns for its Web Push key', () => fetch(endpoints.vapidPublicKey));
  if (response.status === 404) throw new PnsError('push_unavailable', 'Web Push is off on this pns (no VAPID keys)');
  const body: unknown = await response.json().catch(() => undefined);
  if (!response.ok || !isObject(body) || typeof body.publicKey !== 'string') throw new PnsError('push_failed', `pns answered ${response.status} for its Web Push key`);
  const binary = atob(body.publicKey.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(binary, (character) => character.charCodeAt(0));
}

/** pushManager.subscribe() needs an active worker; a new registration is still installing. */
async function activated(registration: ServiceWorkerRegistration): Promise<void> {
  const worker = registration.installing ?? registration.waiting;
  if (registration.active || !worker) return;
  await new Promise<void>((resolve, reject) => {
    const check = () => {
      if (worker.state === 'activated') resolve();
      else if (worker.state === 'redundant') reject(new PnsError('push_failed', 'the service worker failed to install'));
    };
    worker.addEventListener('statechange', check);
    check();
  });
}

async function pushFailure<T>(what: string, action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    throw error instanceof PnsError ? error : new PnsError('push_failed', `${what}: ${(error as Error).message}`);
  }
}

function sameBytes(key: ArrayBuffer | null, expected: Uint8Array): boolean {
  const bytes = key === null ? new Uint8Array() : new Uint8Array(key);
  return bytes.length === expected.length && bytes.every((byte, index) => byte === expected[index]);
}

function endpointsOf(options: ClientOptions): Endpoints {
  const base = new URL(options.url ?? globalThis.location.origin, globalThis.location?.href);
  const root = `${base.origin}${base.pathname.replace(/\/+$/, '')}`;
  const query = options.connectionId === undefined ? '' : `?connectionId=${encodeURIComponent(options.connectionId)}`;
  const subscribe = withQuery(`/subscribe${query}`, { protocol: 2 });
  return {
    websocket: `${root.replace(/^http/, 'ws')}${subscribe}`,
    events: `${root}${subscribe}`,
    requests: `${root}/subscribe/requests${query}`,
    vapidPublicKey: `${root}/push/vapid-public-key`,
    serviceWorker: `${root}/pns-sw.js`,
    withCredentials: options.connectionId === undefined,
  };
}

function withQuery(url: string, parameters: Record<string, string | number>): string {
  const query = Object.entries(parameters).map(([name, value]) => `${name}=${encodeURIComponent(value)}`);
  return query.length === 0 ? url : `${url}${url.includes('?') ? '&' : '?'}${query.join('&')}`;
}

function filterOf(filter: { category?: string | string[]; createdBefore?: string | Date; state?: string }): Record<string, unknown> {
  const { createdBefore } = filter;
  return createdBefore instanceof Date ? { ...filter, createdBefore: createdBefore.toISOString() } : filter;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function answerField<T>(answer: Frame, field: string): T {
  if (!(field in answer)) throw new PnsError('bad_frame', `expected "${field}" in the answer, got ${JSON.stringify(answer).slice(0, 200)}`);
  return answer[field] as T;
}

function errorOf(error: Record<string, unknown>): PnsError {
  return new PnsError(typeof error.code === 'string' ? error.code : 'error', typeof error.message === 'string' ? error.message : 'pns answered an error');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
