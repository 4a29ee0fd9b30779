import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest, type Agent } from 'node:https';

export interface PostAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

const MAX_ANSWER_BYTES = 64 * 1024;

/**
 * One POST through `agent` (https) or plain http (a configured http URL), answered with its
 * status whatever it is; rejects on a network error or after `timeoutMs` without an answer.
 */
export function post(url: string, headers: Record<string, string>, body: string, agent: Agent, timeoutMs: number): Promise<PostAnswer> {
  const target = new URL(url);
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const request = send(
      target,
      { method: 'POST', headers: { ...headers, 'Content-Length': String(Buffer.byteLength(body)) }, timeout: timeoutMs, ...(target.protocol === 'https:' ? { agent } : {}) },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          if (text.length < MAX_ANSWER_BYTES) text += chunk;
        });
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: text }));
        response.on('error', reject);
      },
    );
    request.on('timeout', () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    request.on('error', reject);
    request.end(body);
  });
}
