import { readFileSync } from 'node:fs';
import type { FcmServiceAccount, VapidConfig } from './app-config.js';

/**
 * The browser vendors' push services (Chrome/Edge via FCM, Firefox, Edge/WNS, Safari).
 * Chromium builds other than Google Chrome's stable channel (the Linux distributions' Chromium)
 * subscribe on FCM's other host, jmt17.google.com.
 */
export const DEFAULT_PUSH_ENDPOINTS = [
  'https://fcm.googleapis.com',
  'https://jmt17.google.com',
  'https://updates.push.services.mozilla.com',
  'https://*.notify.windows.com',
  'https://web.push.apple.com',
  'https://*.push.apple.com',
];

type Problem = (why: string) => void;

/** `https://host[:port]` or `https://*.host`, as given in PUSH_ENDPOINTS; undefined if not one. */
export function parseEndpointOrigin(text: string): string | undefined {
  const match = /^https:\/\/(\*\.)?([a-z0-9.-]+)(:\d{1,5})?\/?$/i.exec(text.trim());
  if (!match) return undefined;
  const [, wildcard = '', host, port = ''] = match;
  return `https://${wildcard}${host.toLowerCase()}${port === ':443' ? '' : port}`;
}

export function parsePushEndpoints(text: string | undefined, problem: Problem): string[] {
  if (text === undefined) return DEFAULT_PUSH_ENDPOINTS;
  const origins: string[] = [];
  for (const entry of text.split(',').map((part) => part.trim()).filter((part) => part !== '')) {
    const origin = parseEndpointOrigin(entry);
    if (origin === undefined) problem(`"${entry}" is not an https origin (https://host[:port], the host may start with *.)`);
    else origins.push(origin);
  }
  return origins;
}

const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** All three or none; in production none means Web Push is off (docs/push.md). */
export function parseVapid(publicKey: string | undefined, privateKey: string | undefined, subject: string | undefined, problem: (name: string, why: string) => void): VapidConfig | undefined {
  if (subject !== undefined && !isVapidSubject(subject)) problem('VAPID_SUBJECT', 'expected a mailto: address or an https: URL');
  if (publicKey === undefined && privateKey === undefined) return undefined;
  if (publicKey === undefined || privateKey === undefined || subject === undefined) {
    for (const [name, value] of [['VAPID_PUBLIC_KEY', publicKey], ['VAPID_PRIVATE_KEY', privateKey], ['VAPID_SUBJECT', subject]] as const) {
      if (value === undefined) problem(name, 'required with the other VAPID_* variables');
    }
    return undefined;
  }
  if (!BASE64URL.test(publicKey) || Buffer.from(publicKey, 'base64url').length !== 65) problem('VAPID_PUBLIC_KEY', 'expected an uncompressed P-256 public key, base64url (65 bytes)');
  if (!BASE64URL.test(privateKey) || Buffer.from(privateKey, 'base64url').length !== 32) problem('VAPID_PRIVATE_KEY', 'expected a P-256 private key, base64url (32 bytes)');
  return { publicKey, privateKey, subject };
}

export function isVapidSubject(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'https:' || (url.protocol === 'mailto:' && url.pathname.includes('@'));
  } catch {
    return false;
  }
}

/** Reads the service-account JSON file now, so that a bad one stops the start. */
export function readFcmServiceAccount(path: string | undefined, problem: Problem): FcmServiceAccount | undefined {
  if (path === undefined) return undefined;
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    problem(`cannot read a JSON file there: ${(error as Error).message}`);
    return undefined;
  }
  const field = (name: string): string => {
    const value = parsed[name];
    if (typeof value === 'string' && value !== '') return value;
    problem(`the file lacks "${name}"`);
    return '';
  };
  const account = { projectId: field('project_id'), clientEmail: field('client_email'), privateKey: field('private_key'), tokenUri: field('token_uri') };
  if (account.tokenUri !== '' && !/^https?:\/\//.test(account.tokenUri)) problem('its token_uri is not an http(s) URL');
  return account;
}

export function readPemFile(path: string | undefined, problem: Problem): string | undefined {
  if (path === undefined) return undefined;
  try {
    const pem = readFileSync(path, 'utf8');
    if (!pem.includes('-----BEGIN CERTIFICATE-----')) problem('the file holds no PEM certificate');
    return pem;
  } catch (error) {
    problem(`cannot read it: ${(error as Error).message}`);
    return undefined;
  }
}
