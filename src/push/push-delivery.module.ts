import { Module } from '@nestjs/common';
import { BusModule } from '../bus/bus.module.js';
import { EventHooksModule } from '../event-hooks/event-hooks.module.js';
import { PreferencesModule } from '../preferences/preferences.module.js';
import { StatsModule } from '../stats/stats.module.js';
import { DeviceCoreModule } from '../realtime/core/device-core.module.js';
import { PresenceTracker } from './presence-tracker.js';
import { PresenceRepository } from './presence.repository.js';
import { PushJobsRepository } from './push-jobs.repository.js';
import { PushWorker } from './push-worker.js';
import { PushModule } from './push.module.js';
import { FcmAccessTokens } from './senders/fcm-access-tokens.js';
import { FcmSender } from './senders/fcm.sender.js';
import { pushHttpsAgentProvider } from './senders/push-https-agent.js';
import { WebPushSender } from './senders/web-push.sender.js';

/**
 * Sending: the queue worker, the senders, and the presence the offline policy reads. Apart
 * from PushModule so that the device core, which serves subscribe frames, need not import it.
 */
@Module({
  imports: [PushModule, BusModule, DeviceCoreModule, PreferencesModule, StatsModule, EventHooksModule],
  providers: [PushWorker, PushJobsRepository, PresenceTracker, PresenceRepository, WebPushSender, FcmSender, FcmAccessTokens, pushHttpsAgentProvider],
})
export class PushDeliveryModule {}
