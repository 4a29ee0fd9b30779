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
/** What a client asked to resume from is no longer kept; it must reload. `version` is the current one. */
export class GoneError extends Error {
  constructor(
    message: string,
    readonly version: number,
  ) {
    super(message);
  }
}
