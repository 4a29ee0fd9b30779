/**
 * What services throw; the HTTP status for each is decided in one place
 * (http-exception.filter.ts), so services stay free of transport concerns.
 */
export class NotFoundError extends Error {}
export class ConflictError extends Error {}
export class InvalidInputError extends Error {}
export class PayloadTooLargeError extends Error {}
/** A dependency (the database's notification connection) is down for now; retrying later may work. */
export class UnavailableError extends Error {}
