// Security headers on every response, by helmet. The CSP allows no inline script (pages load
// their scripts from files); inline styles are allowed because Observable Plot's server-side
// SVG carries a <style> element and style attributes. frame-ancestors 'none' + X-Frame-Options
// DENY: no page may be framed.
import helmet from 'helmet';
import type { RequestHandler } from 'express';

export const CSP_DIRECTIVES = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  scriptSrcAttr: ["'none'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:', 'blob:'],
  fontSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
};

export function securityHeaders(options: { tls: boolean }): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: { ...CSP_DIRECTIVES, ...(options.tls ? { upgradeInsecureRequests: [] } : {}) },
    },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    // HSTS only when served over TLS; on plain HTTP it would be ignored or, behind a proxy, wrong.
    strictTransportSecurity: options.tls ? { maxAge: 31_536_000 } : false,
    crossOriginEmbedderPolicy: false,
  });
}
