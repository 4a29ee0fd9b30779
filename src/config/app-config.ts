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
  readonly appToken: string;
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
  /** Serve the demo inbox page at /demo (default: outside production only). */
  readonly demo: boolean;

  constructor(values: AppConfig) {
    Object.assign(this, values);
  }
}
