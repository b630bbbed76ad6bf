// The server's log: one line per event, with a few fields. Messages name files, counts and
// errors, never request data or personal data; anything ID-shaped that slips into an error's
// text is masked on the way out (pii/id-mask.ts).
import { maskIdNumbers } from '../pipelines/pii/id-mask.ts';

export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

function line(level: string, message: string, fields?: Record<string, unknown>): string {
  const extra = fields && Object.keys(fields).length > 0 ? ` ${JSON.stringify(fields)}` : '';
  return maskIdNumbers(`${new Date().toISOString()} ${level} ${message}${extra}`);
}

export const consoleLogger: Logger = {
  info: (message, fields) => console.log(line('INFO', message, fields)),
  warn: (message, fields) => console.warn(line('WARN', message, fields)),
  error: (message, fields) => console.error(line('ERROR', message, fields)),
};

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
