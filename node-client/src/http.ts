import { errorFromAnswer, PnsNetworkError } from './errors.js';
import { RetryPolicy, wasNeverSent, type RetryMode, type RetryOptions } from './retry.js';

export interface HttpOptions {
  /** The pns base URL, e.g. `https://pns.internal` (a path prefix such as `/pns` is kept). */
  url: string;
  /** The app token (`APP_TOKEN`). */
  token: string;
  /** How long one attempt may take, answer included. Default 10 000. */
  timeoutMs?: number;
  retry?: RetryOptions;
}

export interface Call {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Starts with `/`; path parameters already encoded. */
  path: string;
  query?: Record<string, string | number | readonly string[] | undefined>;
  body?: unknown;
  mode: RetryMode;
  /**
   * For deletions: a 404 on a retry, after an attempt whose outcome is unknown, means that
   * attempt deleted it. The caller wanted it gone, and it is.
   */
  goneMeansDone?: boolean;
}

/** One pns, one token: sends calls with their retries and turns error answers into PnsError. */
export class Http {
  private readonly baseUrl: string;
  private readonly token: string;
  private readonly timeoutMs: number;
  private readonly retries: RetryPolicy;

  constructor(options: HttpOptions) {
    if (!options.url) throw new TypeError('url is required: the pns base URL');
    if (!options.token) throw new TypeError('token is required: the pns app token');
    this.baseUrl = new URL(options.url).href.replace(/\/+$/, '');
    this.token = options.token;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.retries = new RetryPolicy(options.retry);
  }

  /** The answer's JSON, or undefined for 204. */
  async send<T>(call: Call): Promise<T> {
    const url = this.baseUrl + call.path + queryString(call.query);
    const headers: Record<string, string> = { Authorization: `Bearer ${this.token}`, Accept: 'application/json' };
    const body = call.body === undefined ? undefined : JSON.stringify(call.body);
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let outcomeUnknown = false;
    for (let retriesDone = 0; ; retriesDone += 1) {
      let status: number;
      let statusText: string;
      let retryAfter: string | null;
      let text: string;
      try {
        const response = await fetch(url, { method: call.method, headers, body, signal: AbortSignal.timeout(this.timeoutMs) });
        ({ status, statusText } = response);
        retryAfter = response.headers.get('retry-after');
        text = await response.text();
      } catch (error) {
        const delay = this.retries.afterNetworkError(error, call.mode, retriesDone);
        if (delay === undefined) throw new PnsNetworkError(`${call.method} ${call.path}: no answer from pns (${describe(error)})`, { cause: error });
        outcomeUnknown ||= !wasNeverSent(error);
        await sleep(delay);
        continue;
      }
      if (status < 400) return (text === '' ? undefined : JSON.parse(text)) as T;
      if (status === 404 && call.goneMeansDone && outcomeUnknown) return undefined as T;
      const delay = this.retries.afterStatus(status, retryAfter, call.mode, retriesDone);
      if (delay === undefined) throw errorFromAnswer(status, statusText, text);
      // A 504 may have been carried out behind the proxy that gave up waiting.
      if (status === 504) outcomeUnknown = true;
      await sleep(delay);
    }
  }
}

function queryString(query: Call['query']): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query ?? {})) {
    if (value === undefined) continue;
    for (const one of typeof value === 'object' ? value : [value]) params.append(name, String(one));
  }
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

/** By shape, not instanceof: fetch's errors may come from another realm (a vm context, a test runner). */
function describe(error: unknown): string {
  const { name, message, cause } = (error ?? {}) as { name?: unknown; message?: unknown; cause?: { code?: unknown; message?: unknown } };
  if (name === 'TimeoutError') return 'timed out';
  const reason = cause?.code ?? cause?.message ?? message;
  return typeof reason === 'string' ? reason : String(error);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
