import { Agent } from 'node:https';
import { rootCertificates } from 'node:tls';
import type { FactoryProvider } from '@nestjs/common';
import { AppConfig } from '../../config/app-config.js';

/**
 * The agent every push request goes through: connections kept alive to the few push
 * services, and PUSH_CA_FILE's certificates trusted beside the system's (a TLS-inspecting
 * egress proxy, or a test's own push service) without weakening TLS checks anywhere else.
 */
export const PUSH_HTTPS_AGENT = Symbol('PUSH_HTTPS_AGENT');

export const pushHttpsAgentProvider: FactoryProvider<Agent> = {
  provide: PUSH_HTTPS_AGENT,
  inject: [AppConfig],
  useFactory: (config: AppConfig) => new Agent({ keepAlive: true, ...(config.pushCa ? { ca: [...rootCertificates, config.pushCa] } : {}) }),
};
