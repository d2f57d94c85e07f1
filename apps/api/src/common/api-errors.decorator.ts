import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { ErrorDto } from './error.dto.js';

const DESCRIPTIONS: Record<number, string> = {
  400: 'The request is malformed; `message` names each problem.',
  401: 'Missing or invalid credentials.',
  403: 'Credentials were given but are wrong (forged signature, wrong token).',
  404: 'No such resource.',
  409: 'The resource is in a state that does not allow this.',
  503: 'Storage is unavailable; nothing was stored. Retry later (platforms do this by themselves).',
};

/** Documents the error answers of a route with the shared ErrorDto body. */
export function ApiErrors(...statuses: number[]): MethodDecorator & ClassDecorator {
  return applyDecorators(...statuses.map((status) => ApiResponse({ status, description: DESCRIPTIONS[status], type: ErrorDto })));
}
