/** Variables whose values are secrets: a problem with one never repeats its value. */
export const SECRET_VARIABLES: ReadonlySet<string> = new Set(['APP_TOKEN', 'AUTH_TOKEN', 'APP_TOKENS', 'APP_READONLY_TOKENS', 'VAPID_PRIVATE_KEY']);

/**
 * A connection string with its password masked, so that it can be shown in an error or a log:
 * the password of `scheme://user:password@host` and any `password=` parameter. Works on text
 * that is not a valid URL too, since that is exactly when it gets shown.
 */
export function redactCredentials(text: string): string {
  return text.replace(/(\/\/[^/@:]*:)[^@/]*@/g, '$1***@').replace(/([?&;\s]password=)[^&;\s]*/gi, '$1***');
}
