import { Injectable } from '@nestjs/common';

/** The host application's own configuration (a real one would use @nestjs/config's ConfigService). */
@Injectable()
export class HostSettings {
  readonly port = Number(process.env.PORT ?? 3000);
  readonly databaseUrl = required('DATABASE_URL');
  /** The token the host's other services send to /pns/api/...; the host itself calls PnsService. */
  readonly pnsAppToken = required('PNS_APP_TOKEN');
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
}
