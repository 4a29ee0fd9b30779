/** The path pns is mounted under in the application ('' standalone, `/pns` in a host). */
export const PNS_MOUNT_PATH = Symbol('PNS_MOUNT_PATH');
