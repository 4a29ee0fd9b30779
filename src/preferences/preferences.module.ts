import { Module } from '@nestjs/common';
import { PreferenceChanges } from './preference-changes.js';
import { PreferencesController } from './preferences.controller.js';
import { PreferencesRepository } from './preferences.repository.js';
import { PreferencesService } from './preferences.service.js';

/**
 * Preferences (docs/events.md#preferences). Exports the service for ingest, push and the
 * device frames; changes are announced on the bus (PreferenceChanges), whence the realtime
 * core tells the user's devices.
 */
@Module({
  controllers: [PreferencesController],
  providers: [PreferencesService, PreferencesRepository, PreferenceChanges],
  exports: [PreferencesService],
})
export class PreferencesModule {}
