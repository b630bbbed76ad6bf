// After each run: work out its alerts, write each to the log (one structured line, no personal
// data), and POST them together to the configured webhook. Never throws and never waits longer
// than the webhook's bound (webhook.ts): alerts must not change or hold up a run's outcome.
import os from 'node:os';
import type { Config } from '../config.ts';
import type { RunJournal } from '../run/journal.ts';
import { maskIdNumbers, maskIdNumbersDeep } from '../pii/id-mask.ts';
import { runAlerts, type Alert, type StaleExport } from './alerts.ts';
import { readStaleExports } from './stale.ts';
import { alertTexts } from './texts.ts';
import { postToWebhook, type WebhookDelivery, type WebhookOptions } from './webhook.ts';

/** The server's Logger fits; the CLI writes the same line format to stderr (stderrAlertLog). */
export interface AlertLog {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export interface AlertPayload {
  system: string;
  host: string;
  sent_at: string;
  run: { run_id: string; trigger: string; outcome: string; outcome_label: string; published: boolean; started_at: string; finished_at: string | null } | null;
  alerts: Alert[];
}

export interface DispatchOptions {
  config: Pick<Config, 'alertWebhookUrl'>;
  log: AlertLog;
  webhook?: WebhookOptions;
}

export interface RaiseOptions extends DispatchOptions {
  config: Pick<Config, 'alertWebhookUrl' | 'staleAfterDays' | 'warehouseFile'>;
  /** The finished run (journal.ts finishedJournal): its facts without anything personal. */
  run: RunJournal;
}

export interface RaiseResult {
  alerts: Alert[];
  /** Undefined when there was nothing to send or no webhook configured. */
  delivery?: WebhookDelivery;
}

export async function raiseRunAlerts(options: RaiseOptions): Promise<RaiseResult> {
  const { config, log, run } = options;
  let stale: StaleExport[] = [];
  try {
    // "today" is the run's own clock (its end), so a test's clock decides it, not the machine's
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(run.finished_at ? new Date(run.finished_at) : new Date());
    stale = await readStaleExports(config.warehouseFile, config.staleAfterDays, today);
  } catch (error) {
    log.warn('alerts: could not read data freshness of the published warehouse', { error: (error as Error).message });
  }
  return dispatchAlerts(runAlerts(run, stale, config.staleAfterDays), run, options);
}

/** Logs alerts and POSTs them to the webhook (if one is configured and there is anything to say). */
export async function dispatchAlerts(raised: Alert[], run: RunJournal | null, options: DispatchOptions): Promise<RaiseResult> {
  const { config, log } = options;
  // Alert texts quote run and file messages: whatever ID-shaped text they hold is masked here.
  const alerts = maskIdNumbersDeep(raised);
  for (const alert of alerts) {
    const fields = { kind: alert.kind, run_id: alert.run_id, title: alert.title, message: alert.message };
    if (alert.severity === 'error') log.error('ALERT', fields);
    else log.warn('ALERT', fields);
  }
  if (alerts.length === 0 || !config.alertWebhookUrl) return { alerts };
  const payload: AlertPayload = {
    system: alertTexts.system,
    host: os.hostname(),
    sent_at: new Date().toISOString(),
    run: run
      ? {
          run_id: run.run_id,
          trigger: run.trigger,
          outcome: run.outcome,
          outcome_label: alertTexts.outcome(run.outcome),
          published: run.published,
          started_at: run.started_at,
          finished_at: run.finished_at,
        }
      : null,
    alerts,
  };
  let delivery: WebhookDelivery;
  try {
    delivery = await postToWebhook(config.alertWebhookUrl, payload, options.webhook);
  } catch (error) {
    delivery = { delivered: false, attempts: 0, error: (error as Error).message };
  }
  // the URL may carry a token: log its host only
  const webhook = hostOf(config.alertWebhookUrl);
  if (delivery.delivered) log.info('alerts: sent to the webhook', { webhook, alerts: alerts.length, attempts: delivery.attempts });
  else log.error('alerts: the webhook did not take them', { webhook, alerts: alerts.length, attempts: delivery.attempts, error: delivery.error });
  return { alerts, delivery };
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '?';
  }
}

/** The server log's line format (server/log.ts), on stderr: for the refresh CLI. */
export const stderrAlertLog: AlertLog = {
  info: (message, fields) => writeLine('INFO', message, fields),
  warn: (message, fields) => writeLine('WARN', message, fields),
  error: (message, fields) => writeLine('ERROR', message, fields),
};

function writeLine(level: string, message: string, fields?: Record<string, unknown>): void {
  const extra = fields && Object.keys(fields).length > 0 ? ` ${JSON.stringify(fields)}` : '';
  process.stderr.write(`${maskIdNumbers(`${new Date().toISOString()} ${level} ${message}${extra}`)}\n`);
}
