// GET /assets/<name>: the bundled client script and the stylesheets, from memory.
import type { Router } from 'express';
import type { AppContext } from '../app-context.ts';
import { notFound } from '../http/errors.ts';

export function registerAssets(router: Router, app: AppContext): void {
  router.get('/assets/:name', (req, res) => {
    const file = app.assets.files.get(req.params.name);
    if (!file) throw notFound();
    res.type(file.type);
    // versioned URLs (?v=hash) change with the content, so the browser may keep them
    res.set('Cache-Control', req.query.v === file.hash ? 'public, max-age=31536000, immutable' : 'no-cache');
    res.send(file.body);
  });
}
