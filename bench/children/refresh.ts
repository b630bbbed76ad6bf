// One full refresh (runRefresh, trigger 'cli') of DATA_DIR's inbox in its own process, so that
// its peak memory is its own. Stage ends and finished files go to the bench as they happen; the
// result, the wall time and the decode seconds at the end.
import { loadConfig } from '../../pipelines/config.ts';
import { runRefresh } from '../../pipelines/run/refresh.ts';
import { sendToParent } from '../child.ts';
import { DecodeClock } from '../decode-clock.ts';
import type { RefreshMessage } from './messages.ts';

const config = loadConfig();
const decode = new DecodeClock();
const send = (message: RefreshMessage) => void sendToParent(message).catch(() => undefined);

const started = performance.now();
const result = await runRefresh({
  config,
  trigger: 'cli',
  onProgress(event) {
    decode.onEvent(event, performance.now());
    if (event.type === 'stage-end') send({ type: 'stage', stage: event.stage, seconds: event.seconds });
    if (event.type === 'file-end') {
      const r = event.report;
      send({ type: 'file', name: r.name, status: r.status, rowsLoaded: r.rowsLoaded, rowsRejected: r.rowsRejected, seconds: r.seconds, ...(r.message ? { message: r.message } : {}) });
    }
  },
});
const seconds = (performance.now() - started) / 1000;
await sendToParent({
  type: 'result',
  seconds,
  decodeSeconds: decode.totalSeconds(),
  result: { ...result, startedAt: result.startedAt.toISOString(), finishedAt: result.finishedAt.toISOString() },
  ownPeakRssBytes: process.resourceUsage().maxRSS * 1024,
} satisfies RefreshMessage);
process.disconnect();
