import { BadRequestException, PipeTransform } from '@nestjs/common';
import { registerDecorator, ValidationOptions } from 'class-validator';
import { isStorableText } from './storable-text.js';

/**
 * 1–255 characters, any Unicode except control characters (tab and DEL included) and unpaired
 * surrogates, which could not be stored as they are (storable-text.ts).
 */
export function isUserId(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    isStorableText(value) &&
    [...value].length >= 1 &&
    [...value].length <= 255 &&
    // eslint-disable-next-line no-control-regex
    !/[\u0000-\u001f\u007f-\u009f]/.test(value)
  );
}

export const USER_ID_RULE = 'a user id is 1-255 characters with no control characters and no unpaired UTF-16 surrogates';

/** class-validator decorator for DTO fields holding a user id. */
export function IsUserId(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isUserId',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: `$property: ${USER_ID_RULE}`, ...options },
      validator: { validate: (value: unknown) => isUserId(value) },
    });
}

/** For `:userId` route parameters (already URL-decoded by the router). */
export class UserIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!isUserId(value)) throw new BadRequestException(`userId: ${USER_ID_RULE}`);
    return value;
  }
}
