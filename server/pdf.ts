// PDFs of the report, printed by headless Chromium (Debian's /usr/bin/chromium through
// playwright-core). One browser is launched on first use and kept; each PDF gets its own
// context, which may load nothing from the network: the report HTML carries its own styles
// and charts, and fonts come from the system (fonts-noto-cjk).
import { chromium, type Browser } from 'playwright-core';
import { silentLogger, type Logger } from './log.ts';

export const CHROMIUM_PATH = '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];

export interface PdfRendererOptions {
  executablePath?: string;
  log?: Logger;
}

export class PdfRenderer {
  readonly #executablePath: string;
  readonly #log: Logger;
  #browser: Promise<Browser> | undefined;

  constructor(options: PdfRendererOptions = {}) {
    this.#executablePath = options.executablePath ?? CHROMIUM_PATH;
    this.#log = options.log ?? silentLogger;
  }

  #launch(): Promise<Browser> {
    if (!this.#browser) {
      const launching = chromium.launch({ executablePath: this.#executablePath, args: CHROMIUM_ARGS });
      this.#browser = launching;
      launching.then(
        (browser) => browser.on('disconnected', () => {
          if (this.#browser === launching) this.#browser = undefined;
        }),
        () => {
          if (this.#browser === launching) this.#browser = undefined;
        },
      );
    }
    return this.#browser;
  }

  /** Prints a complete HTML document to an A4 PDF (page size and margins from its @page CSS). */
  async render(documentHtml: string): Promise<Buffer> {
    const browser = await this.#launch();
    const context = await browser.newContext({ offline: true });
    try {
      await context.route('**/*', (route) => route.abort());
      const page = await context.newPage();
      await page.setContent(documentHtml, { waitUntil: 'load' });
      await page.emulateMedia({ media: 'print' });
      return await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true });
    } finally {
      await context.close().catch((error: Error) => this.#log.warn('pdf: closing a context failed', { error: error.message }));
    }
  }

  async close(): Promise<void> {
    const launching = this.#browser;
    this.#browser = undefined;
    if (launching) await (await launching.catch(() => undefined))?.close();
  }
}
