import type { AppInfo } from '../contract/model';
import type { SettingsService } from '../settings/settingsService';
import type { EventLog } from '../store/eventLog';
import type { SystemService } from '../system/systemService';
import type { Router } from './router';

export interface CoreServices {
  settings: SettingsService;
  events: EventLog;
  system: SystemService;
  appInfo: () => AppInfo;
}

/** The channels of the shell itself: app, system, settings, event log. */
export function registerCoreHandlers(router: Router, services: CoreServices): void {
  router.handle('app.info', () => services.appInfo());
  router.handle('system.info', (request) => services.system.info({ refresh: request.refresh ?? false }));
  router.handle('system.probePython', (request) => services.system.probePython(request.path));
  router.handle('settings.get', () => services.settings.get());
  router.handle('settings.update', (request, context) => services.settings.update(request.patch, context.actor));
  router.handle('events.list', (request) => services.events.list(request));
}
