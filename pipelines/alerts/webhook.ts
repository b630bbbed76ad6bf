// POSTs a JSON body to the alert webhook: a timeout per try and a few tries with growing pauses,
// so a webhook that is down or slow costs a bounded time (tries × timeout + pauses) and never
// throws — the caller logs the outcome.

export interface WebhookOptions {
  /** Per try. */
  timeoutMs?: number;
  tries?: number;
  /** Pause before try n + 1 (n from 1). */
  backoffMs?: (attempt: number) => number;
  fetch?: typeof fetch;
}

export interface WebhookDelivery {
  delivered: boolean;
  attempts: number;
  /** Status or error of the last try when not delivered. */
  error?: string;
}

export const WEBHOOK_DEFAULTS = { timeoutMs: 5000, tries: 3, backoffMs: (attempt: number) => 500 * 2 ** (attempt - 1) } as const;

export async function postToWebhook(url: string, body: unknown, options: WebhookOptions = {}): Promise<WebhookDelivery> {
  const timeoutMs = options.timeoutMs ?? WEBHOOK_DEFAULTS.timeoutMs;
  const tries = Math.max(1, options.tries ?? WEBHOOK_DEFAULTS.tries);
  const backoff = options.backoffMs ?? WEBHOOK_DEFAULTS.backoffMs;
  const fetchImpl = options.fetch ?? fetch;
  const text = JSON.stringify(body);
  let error = '';
  for (let attempt = 1; attempt <= tries; attempt++) {
    if (attempt > 1) await new Promise((resolve) => setTimeout(resolve, backoff(attempt - 1)));
    try {
      const response = await fetchImpl(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body: text,
        signal: AbortSignal.timeout(timeoutMs),
        redirect: 'error',
      });
      // the body is not needed; drain it so the connection is freed
      await response.body?.cancel().catch(() => {});
      if (response.ok) return { delivered: true, attempts: attempt };
      error = `HTTP ${response.status}`;
      // a client error other than timeout / rate limit will not change on retry
      if (response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429) return { delivered: false, attempts: attempt, error };
    } catch (caught) {
      error = describe(caught);
    }
  }
  return { delivered: false, attempts: tries, error };
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if (error.name === 'TimeoutError') return 'timeout';
  return cause?.code ?? cause?.message ?? error.message;
}
