// Progress of a refresh on a terminal: on a TTY one status line redrawn in place (file, bytes
// or rows so far, current stage) plus a line per finished file; elsewhere (logs, pipes) plain
// lines only when a stage or a file ends, so logs stay short.
import type { ProgressEvent } from './vocabulary.ts';

export interface ProgressPrinter {
  onProgress(event: ProgressEvent): void;
  /** Clears the status line. */
  done(): void;
}

export function createProgressPrinter(stream: NodeJS.WriteStream): ProgressPrinter {
  const tty = Boolean(stream.isTTY);
  let status = '';
  let lastDraw = 0;
  const draw = (text: string, force = false) => {
    if (!tty) return;
    const now = Date.now();
    if (!force && now - lastDraw < 100) return;
    lastDraw = now;
    status = text;
    stream.write(`\r\x1b[2K${text.slice(0, (stream.columns ?? 100) - 1)}`);
  };
  const line = (text: string) => {
    if (tty && status) stream.write('\r\x1b[2K');
    stream.write(`${text}\n`);
    if (tty && status) stream.write(status.slice(0, (stream.columns ?? 100) - 1));
  };
  return {
    onProgress(event) {
      switch (event.type) {
        case 'stage-start':
          draw(`[${event.stage}] …`, true);
          break;
        case 'stage-end':
          if (!tty && event.seconds >= 0.05) line(`[${event.stage}] ${event.seconds.toFixed(1)} 秒`);
          break;
        case 'file-start':
          draw(`[${event.index}/${event.total}] ${event.file} 读取中…`, true);
          break;
        case 'file-progress': {
          const amount =
            event.rows !== undefined
              ? `${event.rows.toLocaleString('en-US')} 行`
              : event.bytesTotal
                ? `${Math.floor(((event.bytesDone ?? 0) / event.bytesTotal) * 100)}%`
                : '';
          draw(`${event.file} 读取中 ${amount}`);
          break;
        }
        case 'file-end': {
          const r = event.report;
          const mark = { loaded: '✓', rejected: '✗', unknown: '?', skipped: '–' }[r.status];
          const detail =
            r.status === 'loaded'
              ? `加载 ${r.rowsLoaded.toLocaleString('en-US')} 行，拒收 ${r.rowsRejected.toLocaleString('en-US')} 行（${r.seconds.toFixed(1)} 秒）`
              : (r.message ?? r.reasonCode ?? '');
          line(`${mark} ${r.name}　${detail}`);
          break;
        }
        case 'pull':
          line(`${event.result.status === 'downloaded' || event.result.status === 'unchanged' ? '↓' : '✗'} ${event.result.url}　${event.result.message ?? event.result.fileName ?? ''}`);
          break;
      }
    },
    done() {
      if (tty && status) stream.write('\r\x1b[2K');
      status = '';
    },
  };
}
