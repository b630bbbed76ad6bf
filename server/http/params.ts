// Query parameters, checked: each is a single string of its expected form, or absent.
import type { Request } from 'express';
import { zh } from '../../dashboards/i18n/zh.ts';
import { badParameter } from './errors.ts';

/** The value of `?name=`, or undefined when absent or empty; a repeated parameter is refused. */
export function queryParam(req: Request, name: string, pattern: RegExp, hint: string): string | undefined {
  const value = req.query[name];
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string' || !pattern.test(value)) throw badParameter(name, hint);
  return value;
}

export const YEAR = /^\d{4}$/;
export const COUNTY = /^\d{6}$/;
/** Office and cluster codes as the loader stores them (upper case after NFKC). */
export const UNIT = /^[0-9A-Za-z_-]{1,64}$/;
export const INDICATOR = /^[a-z][a-z0-9_]{0,63}$/;
export const GRAIN = /^(office|cluster|county|city)$/;
export const RUN = /^[0-9A-Za-z_.:-]{1,100}$/;

export const yearParam = (req: Request, name = 'year') => queryParam(req, name, YEAR, zh.errors.hints.year);
export const countyParam = (req: Request) => queryParam(req, 'county', COUNTY, zh.errors.hints.county);
