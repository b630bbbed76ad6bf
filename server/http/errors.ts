// Errors that reach clients: a status, a stable code and a Chinese message; never a stack.
import { zh } from '../../dashboards/i18n/zh.ts';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function badParameter(name: string, hint: string): HttpError {
  return new HttpError(400, 'bad_parameter', zh.errors.badParameter(name, hint));
}

export function notFound(message: string = zh.errors.notFound): HttpError {
  return new HttpError(404, 'not_found', message);
}
