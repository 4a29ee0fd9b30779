import { Module } from '@nestjs/common';
import { UnseenChangesPublisher } from './unseen-changes.publisher.js';
import { UnseenChangesRepository } from './unseen-changes.repository.js';

/** Publishing count changes needs only the pool, so `npm run retention` can publish too. */
@Module({ providers: [UnseenChangesPublisher, UnseenChangesRepository], exports: [UnseenChangesPublisher] })
export class UnseenChangesModule {}
