// GET /api/dictionary: the data dictionary of the analyst database (dashboards/queries/
// dictionary.ts) as JSON, for the /dictionary page and the console's side panel and completion.
// Read once per warehouse generation. Access: analysts and up, city-wide only (the console's
// audience: server/auth/access-rules.ts).
import type { Router } from 'express';
import { readDictionary } from '../../dashboards/queries/dictionary.ts';
import type { AppContext } from '../app-context.ts';

export function registerDictionaryApi(router: Router, app: AppContext): void {
  router.get('/api/dictionary', async (_req, res) => {
    const dictionary = await app.warehouse.use((session) => app.cache.get(session.generation, 'api:dictionary', () => readDictionary(session.connection)));
    res.set('Cache-Control', 'private, no-cache').json(dictionary);
  });
}
