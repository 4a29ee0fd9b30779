import { createServer, request, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OutgoingFrame } from '../core/outgoing-frame';
import { SseStream, type EventIds } from './sse-stream';

/** The bytes a real HTTP client reads from a stream driven by `drive`. */
async function wire(drive: (stream: SseStream, response: ServerResponse) => void, ids: EventIds = { counted: 0 }): Promise<{ headers: Record<string, unknown>; body: string }> {
  const server = createServer((_request, response) => drive(new SseStream(response, ids), response));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    return await new Promise((resolve, reject) => {
      const client = request(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`, { agent: false }, (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => resolve({ headers: response.headers, body: text }));
      });
      client.on('error', reject);
      client.end();
    });
  } finally {
    server.close();
  }
}

describe('SseStream', () => {
  it('writes each frame as one event named by its key, with rising ids, and ends with a close event', async () => {
    const { headers, body } = await wire((stream) => {
      stream.open();
      stream.send(new OutgoingFrame({ newNotificationCountChanged: 3, version: 5 }));
      stream.heartbeat();
      stream.send(new OutgoingFrame({ newNotificationCountChanged: 0, version: 6 }));
      stream.close(4001, 'dropped');
      stream.send(new OutgoingFrame({ newNotificationCountChanged: 9, version: 7 }));
    }, { counted: 41 });
    expect(headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(body).toBe(
      'id: 42\nevent: newNotificationCountChanged\ndata: 3\n\n' +
        ': ping\n\n' +
        'id: 43\nevent: newNotificationCountChanged\ndata: 0\n\n' +
        'id: 44\nevent: close\ndata: {"code":4001,"reason":"dropped"}\n\n',
    );
  });

  it('on protocol 2, gives each event the version it brings the device to, and the close event none', async () => {
    const counts = { version: 7, unseen: 0, unread: 1, total: 1, categories: {} };
    const { body } = await wire((stream) => {
      stream.open();
      stream.send(new OutgoingFrame({ change: { version: 7, type: 'seen', at: '2026-12-01T00:00:00.000Z', ids: ['3'] } }));
      stream.send(new OutgoingFrame({ counts }));
      stream.close(1001, 'server shutting down');
    }, 'versions');
    expect(body).toBe(
      'id: 7\nevent: change\ndata: {"version":7,"type":"seen","at":"2026-12-01T00:00:00.000Z","ids":["3"]}\n\n' +
        'id: 7\nevent: counts\ndata: {"version":7,"unseen":0,"unread":1,"total":1,"categories":{}}\n\n' +
        'event: close\ndata: {"code":1001,"reason":"server shutting down"}\n\n',
    );
  });

  it('keeps a line break in data on one data line', async () => {
    const { body } = await wire((stream) => {
      stream.open();
      stream.close(1001, 'line one\nline two');
    });
    expect(body).toBe('id: 1\nevent: close\ndata: {"code":1001,"reason":"line one\\nline two"}\n\n');
  });
});
