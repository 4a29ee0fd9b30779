/**
 * Instances hear on this channel that users' preferences changed (and send them to those users'
 * devices connected there). Payloads are packed as on the unseen-changes channel (packUserIds).
 */
export const PREFERENCES_CHANGED_CHANNEL = 'pns_preferences_changed';
