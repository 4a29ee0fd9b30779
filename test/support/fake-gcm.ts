import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A registration Chromium asked for: the form it posted. */
export interface GcmRegistration {
  /** `wp:<origin>/#<id>` for a site's Web Push subscription. */
  subtype: string;
  /** The site's applicationServerKey (base64url) for Web Push. */
  sender: string;
  token: string;
}

// AndroidCheckinResponse (google_apis/gcm/protocol/checkin.proto): stats_ok = 1 (bool, required),
// android_id = 7 and security_token = 8 (fixed64, both non-zero or Chromium retries).
const ANDROID_ID = 0x1234_5678_9abc_def0n;
const SECURITY_TOKEN = 0x0fed_cba9_8765_4321n;
const CHECKIN_RESPONSE = Buffer.concat([Buffer.from([0x08, 0x01]), fixed64(7, ANDROID_ID), fixed64(8, SECURITY_TOKEN)]);

/**
 * Chromium's side of Google Cloud Messaging on 127.0.0.1, as far as pushManager.subscribe() needs
 * it: the device check-in and the registration that answers the token a subscription's endpoint
 * ends with. Chromium asks it when started with `flags`. Nothing delivers messages: the message
 * channel (`--gcm-mcs-endpoint`, a binary protocol of its own) points at a closed port.
 */
export class FakeGcm {
  readonly registrations: GcmRegistration[] = [];
  /** The subtypes of the registrations Chromium deleted. */
  readonly deletions: string[] = [];
  private server!: Server;
  private url = '';

  static async start(): Promise<FakeGcm> {
    const gcm = new FakeGcm();
    gcm.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        if (request.url === '/checkin') {
          response.writeHead(200, { 'Content-Type': 'application/x-protobuf' }).end(CHECKIN_RESPONSE);
        } else if (request.url === '/register' && request.headers.authorization === `AidLogin ${ANDROID_ID}:${SECURITY_TOKEN}`) {
          const form = new URLSearchParams(Buffer.concat(chunks).toString());
          const subtype = form.get('X-subtype') ?? '';
          if (form.get('delete') === 'true') {
            // pushSubscription.unsubscribe(): Chromium deletes its token (any "token=" answer is a success).
            gcm.deletions.push(subtype);
            response.writeHead(200, { 'Content-Type': 'text/plain' }).end(`token=${form.get('appid')}`);
            return;
          }
          const token = `fake-gcm-${gcm.registrations.length + 1}`;
          gcm.registrations.push({ subtype, sender: form.get('sender') ?? '', token });
          response.writeHead(200, { 'Content-Type': 'text/plain' }).end(`token=${token}`);
        } else {
          response.writeHead(404).end();
        }
      });
    });
    await new Promise<void>((resolve) => gcm.server.listen(0, '127.0.0.1', resolve));
    gcm.url = `http://127.0.0.1:${(gcm.server.address() as AddressInfo).port}`;
    return gcm;
  }

  /** Chromium's switches (google_apis/gcm/engine/gservices_switches.cc) that point GCM here. */
  get flags(): string[] {
    return [`--gcm-checkin-url=${this.url}/checkin`, `--gcm-registration-url=${this.url}/register`, '--gcm-mcs-endpoint=https://127.0.0.1:9'];
  }

  /** The Web Push registrations made for pages of `origin`. */
  webPushRegistrationsOf(origin: string): GcmRegistration[] {
    return this.registrations.filter((registration) => registration.subtype.startsWith(`wp:${origin}/`));
  }

  /** The Web Push registrations of pages of `origin` that Chromium deleted. */
  webPushDeletionsOf(origin: string): string[] {
    return this.deletions.filter((subtype) => subtype.startsWith(`wp:${origin}/`));
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

function fixed64(field: number, value: bigint): Buffer {
  const bytes = Buffer.alloc(9);
  bytes[0] = (field << 3) | 1;
  bytes.writeBigUInt64LE(value, 1);
  return bytes;
}
