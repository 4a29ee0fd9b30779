import { ValidateBy, ValidateIf, type ValidationOptions } from 'class-validator';
import { InvalidInputError } from '../../common/errors.js';
import { isStorableText, STORABLE_TEXT_RULE } from '../../common/storable-text.js';

/**
 * Validates a field only when its key was sent. Unlike @IsOptional, an explicit `null` is
 * still validated (and so refused), so `{"userId": null}` is not taken for "no userId".
 */
export function IsOmittable(): PropertyDecorator {
  return ValidateIf((_object, value) => value !== undefined);
}

/** One message for the whole rule, instead of one per failed bound. */
export function IsIntBetween(min: number, max: number): PropertyDecorator {
  return ValidateBy({
    name: 'isIntBetween',
    validator: {
      validate: (value) => Number.isInteger(value) && (value as number) >= min && (value as number) <= max,
      defaultMessage: () => `$property must be an integer from ${min} to ${max}`,
    },
  });
}

/**
 * A string PostgreSQL can compare exactly (common/storable-text.ts): for query parameters, which
 * no JSON body check sees (`?category=%00` would otherwise fail the query with a 500).
 */
export function IsStorableText(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isStorableText',
      validator: {
        validate: (value) => typeof value !== 'string' || isStorableText(value),
        defaultMessage: () => `$property: ${STORABLE_TEXT_RULE}`,
      },
    },
    options,
  );
}

/** Exactly one of `keys` must be sent; the message names them. */
export function exactlyOneOf<T extends object>(body: T, keys: readonly (keyof T & string)[]): keyof T & string {
  const sent = keys.filter((key) => body[key] !== undefined);
  if (sent.length !== 1) throw new InvalidInputError(`give exactly one of ${keys.join(' or ')}${sent.length > 1 ? ', not both' : ''}`);
  return sent[0];
}
