// GET /api/dictionary: the data dictionary of the analyst database (server/console/dictionary.ts)
// as JSON, for the /dictionary page and the console's side panel and completion. Access is that
// of the console (analyst and up, city-wide only: server/auth/access-rules.ts).
import express from 'express';
import { ConsoleError } from './engine.ts';
import type { DictionaryService } from './dictionary.ts';

export function dictionaryRouter(service: DictionaryService, logError?: (error: unknown) => void): express.Router {
  const router = express.Router();
  router.get('/api/dictionary', async (_req, res) => {
    try {
      res.set('Cache-Control', 'private, no-cache').json(await service.dictionary());
    } catch (error) {
      if (error instanceof ConsoleError) {
        res.status(error.status).json({ error: { code: error.code, message: error.message } });
        return;
      }
      logError?.(error);
      res.status(500).json({ error: { code: 'internal', message: '数据字典暂时无法读取，请稍后再试 / data dictionary unavailable' } });
    }
  });
  return router;
}
