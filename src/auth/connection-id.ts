import { registerDecorator, type ValidationOptions } from 'class-validator';
import { isUserId } from '../common/user-id.js';

/** The backend's choice of ticket id: 1–255 printable characters, like a user id (docs/api.md, Devices). */
export function isConnectionId(value: unknown): value is string {
  return isUserId(value);
}

export const CONNECTION_ID_RULE = 'a connectionId is required: 1-255 characters with no control characters and no unpaired UTF-16 surrogates (a UUID is recommended)';

export function IsConnectionId(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isConnectionId',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: CONNECTION_ID_RULE, ...options },
      validator: { validate: (value: unknown) => isConnectionId(value) },
    });
}
