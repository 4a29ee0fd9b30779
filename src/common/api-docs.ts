import { applyDecorators } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiSecurity, ApiUnauthorizedResponse } from '@nestjs/swagger';
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
