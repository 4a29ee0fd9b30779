/**
 * The service's whole configuration, parsed and validated once at boot (see config.schema.ts).
 * Injected by class token; nothing else in the service reads the environment.
 */
export class AppConfig {
  readonly production: boolean;
  readonly port: number;
  /** Unset: the service runs an embedded PostgreSQL under `dataDir`. */
  readonly databaseUrl: string | undefined;
  readonly dataDir: string;
  /** The first full-access token (the one printed when generated). */
  readonly appToken: string;
  /** Every full-access token: APP_TOKEN (or AUTH_TOKEN) and APP_TOKENS, so a rotation can overlap. */
  readonly appTokens: readonly string[];
  /** Tokens that may only read: GET and HEAD on /api/**. */
  readonly readOnlyTokens: readonly string[];
  /** True when no token was configured and one was generated for this development run. */
  readonly appTokenGenerated: boolean;
  readonly authDelegateUrl: string | undefined;
  readonly authDelegateTimeoutMs: number;
  /** As browsers send them (`https://app.example`, default port dropped); unset: any origin. */
  readonly allowedOrigins: ReadonlySet<string> | undefined;
  readonly seenRetentionMs: number;
  /** Unset: unseen notifications are kept until seen. */
  readonly unseenRetentionMs: number | undefined;
  /** How long the change log (GET …/changes, device resumes) keeps a change. */
  readonly changeRetentionMs: number;
  /** A cron expression, or undefined when the in-process job is off. */
  readonly retentionCron: string | undefined;
  readonly migrateOnStart: boolean;
  readonly publicUrl: string;
  readonly heartbeatIntervalMs: number;
  readonly ticketTtlMs: number;
  readonly maxNotificationBytes: number;
  readonly logLevel: 'error' | 'warn' | 'log' | 'debug' | 'verbose';
  /** Connections of this instance's database pool. */
  readonly databasePoolSize: number;
  /**
   * The direct (session) connection for LISTEN/NOTIFY, session advisory locks and migrations.
   * Undefined: the same server as the pool (`databaseUrl`, or the embedded one).
   */
  readonly databaseListenUrl: string | undefined;
  /**
   * A transaction-mode pooler (PgBouncer) sits behind `databaseUrl`: statements on the pool run
   * unnamed, since a named prepared statement lives on one server connection the pooler may
   * not hand back (docs/scaling.md).
   */
  readonly databasePooler: boolean;
  /** Processes serving the port (node:cluster); 1: this process serves it alone. */
  readonly workers: number;
  /** How long a SIGTERM may take before the process gives up and exits 1. */
  readonly shutdownTimeoutMs: number;
  /** Calls of one webhook URL, per instance: sustained per second, and the burst an idle hook may take. */
  readonly webhookRatePerSecond: number;
  readonly webhookBurst: number;
  /** Bytes written to one device connection that its peer has not read yet, past which it is closed. */
  readonly maxConnectionBufferBytes: number;
  /** Requests of one device connection: sustained per second, and the burst an idle one may send. */
  readonly deviceRequestRatePerSecond: number;
  readonly deviceRequestBurst: number;
  /** Device connections of this instance, and of one user on this instance. */
  readonly maxConnections: number;
  readonly maxConnectionsPerUser: number;
  /** Serve the demo inbox page at /demo (default: outside production only). */
  readonly demo: boolean;
  /** Lets event hooks target private, loopback and link-local addresses (tests, closed networks). */
  readonly eventHookAllowPrivate: boolean;
  /** How long one event delivery may take before it counts as failed. */
  readonly eventHookTimeoutMs: number;
  /** The delay before an event's first retry; each retry waits twice as long, up to `eventHookRetryMaxMs`. */
  readonly eventHookRetryFirstMs: number;
  readonly eventHookRetryMaxMs: number;
  /** An event not accepted within this long after it happened is marked failed. */
  readonly eventHookRetryForMs: number;
  /** How often the delivery worker looks for due events when it has none in hand. */
  readonly eventHookPollMs: number;
  /** How often expired notifications are deleted and snoozed ones woken (docs/lifecycle.md#expiry). */
  readonly expirySweepIntervalMs: number;

  /**
   * Configured VAPID keys and subject. Unset: generated once and kept in the database outside
   * production; Web Push is off in production (docs/push.md).
   */
  readonly vapid: VapidConfig | undefined;
  /** The VAPID subject used with generated keys. */
  readonly vapidSubject: string;
  /** Unset: FCM is off. */
  readonly fcmServiceAccount: FcmServiceAccount | undefined;
  readonly fcmApiUrl: string;
  /** Allowed Web Push endpoint origins; a host may start with `*.` (any subdomain). */
  readonly pushEndpoints: readonly string[];
  readonly pushGraceMs: number;
  /** Extra CA certificates (PEM) trusted for push services, beside the system's. */
  readonly pushCa: string | undefined;

  constructor(values: AppConfig) {
    Object.assign(this, values);
  }
}

export interface VapidConfig {
  publicKey: string;
  privateKey: string;
  subject: string;
}

/** The fields pns uses of a Google service-account JSON file. */
export interface FcmServiceAccount {
  projectId: string;
  clientEmail: string;
  privateKey: string;
  tokenUri: string;
}
