/**
 * Operation ids as a generated client names its methods. Routes not listed get the method name
 * followed by the controller's (`listWebhooks` from WebhooksController.list).
 */
const NAMED: Readonly<Record<string, string>> = {
  NotificationsController_create: 'createNotifications',
  NotificationsController_list: 'listNotifications',
  NotificationsController_unseenCount: 'getUnseenCount',
  NotificationsController_markSeen: 'markNotificationsSeen',
  NotificationsController_remove: 'deleteNotification',
  InboxController_mark: 'markNotifications',
  InboxController_counts: 'getCounts',
  InboxController_changes: 'listChanges',
  MetricsController_scrape: 'getMetrics',
  TicketsController_register: 'registerTicket',
  ConnectionsController_drop: 'dropConnections',
  SseController_open: 'openEventStream',
  SseController_request: 'sendDeviceRequest',
  CompatController_push: 'pushCompat',
  CompatController_pushEvents: 'pushEventsCompat',
  CompatController_dropUser: 'dropUserCompat',
  StatusController_ping: 'ping',
  StatusController_info: 'getInfo',
  HealthController_live: 'getLiveness',
  HealthController_ready: 'getReadiness',
  WebhooksController_create: 'createWebhook',
  WebhooksController_list: 'listWebhooks',
  WebhooksController_revoke: 'revokeWebhook',
  HooksController_call: 'callWebhook',
  PushSubscriptionsController_subscribe: 'createPushSubscription',
  PushSubscriptionsController_list: 'listPushSubscriptions',
  PushSubscriptionsController_remove: 'deletePushSubscription',
  VapidKeyController_publicKey: 'getVapidPublicKey',
  ServiceWorkerController_script: 'getServiceWorker',
  EventHooksController_create: 'createEventHook',
  EventHooksController_list: 'listEventHooks',
  EventHooksController_delete: 'deleteEventHook',
  EventHooksController_deliveries: 'listEventDeliveries',
  PreferencesController_get: 'getPreferences',
  PreferencesController_update: 'updatePreferences',
  StatsController_global: 'getStats',
  StatsController_ofUser: 'getUserStats',
  ClientScriptController_script: 'getClientScript',
  DemoController_page: 'getDemoPage',
};

export function operationIdOf(controllerKey: string, methodKey: string): string {
  return NAMED[`${controllerKey}_${methodKey}`] ?? `${methodKey}${controllerKey.replace(/Controller$/, '')}`;
}
