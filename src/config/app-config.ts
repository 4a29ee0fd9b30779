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

  constructor(values: AppConfig) {
    Object.assign(this, values);
  }
}
