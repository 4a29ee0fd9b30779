import { applyDecorators } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiProperty, ApiSecurity, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { APP_TOKEN_SCHEME, BEARER_SCHEME } from '../openapi.js';

/** For controllers behind AppTokenGuard: either scheme, and what a bad call answers. */
export function ApiAppToken(): ClassDecorator & MethodDecorator {
  return applyDecorators(
    ApiSecurity(APP_TOKEN_SCHEME),
    ApiBearerAuth(BEARER_SCHEME),
    ApiUnauthorizedResponse({ description: 'missing or wrong app token; nothing changed' }),
    ApiBadRequestResponse({ description: 'bad input: `{"statusCode","error","message"}` says what is wrong; nothing stored' }),
  );
}

/**
 * A property that may hold any JSON value (null, strings, numbers, arrays, objects), as
 * generated clients must accept it: a schema without `type` would do in JSON Schema, but
 * Nest's generator would put the property's class there.
 */
export function ApiAnyJson(options: { description: string; example?: unknown; required?: boolean }): PropertyDecorator {
  return ApiProperty({
    description: options.description,
    required: options.required ?? true,
    example: options.example,
    nullable: true,
    // Object adds no type of its own (the property's class would be named here otherwise).
    type: Object,
    oneOf: [{ type: 'object', additionalProperties: true }, { type: 'array', items: {} }, { type: 'string' }, { type: 'number' }, { type: 'boolean' }],
  });
}
