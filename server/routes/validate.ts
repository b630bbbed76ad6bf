// POST /api/validate (viewer and up; interfaces.md): one export file, multipart field `file`,
// checked exactly as the nightly refresh would check it (pipelines/validate), nothing loaded,
// archived or kept: { file_name, kind, rows_read, rows_ok, rows_rejected, rejected_by_reason,
// file_rejected, rows: [first 500 rejects] }. Limits: the upload's size (config
// validateMaxBytes), one file per request, one check at a time (others get 429), a time limit
// on the check; the workbook limits of pipelines/read apply because its readers are used.
// busboy streams the upload to a temporary file outside DATA_DIR, removed when answered.
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import busboy from 'busboy';
import type { Request, Router } from 'express';
import { zhClerk } from '../../dashboards/i18n/zh-clerk.ts';
import { zh } from '../../dashboards/i18n/zh.ts';
import { columnHeader } from '../../dashboards/queries/rejects.ts';
import { UnknownFileNameError, validateExportFile, type ValidationResult } from '../../pipelines/validate/validate-file.ts';
import type { AppContext, ValidateSettings } from '../app-context.ts';

export type { ValidateSettings };
import { HttpError } from '../http/errors.ts';

export const DEFAULT_VALIDATE_MAX_BYTES = 50 * 1024 * 1024;
const VALIDATE_TIMEOUT_MS = 120_000;

interface Upload {
  name: string;
  path: string;
}

const refuse = (status: number, code: string, message: string) => new HttpError(status, code, message);
const acceptedNames = () => zhClerk.validate.acceptedNames.join('、');

/** Streams the one `file` part of a multipart request into `dir`; refuses anything else. */
function receiveUpload(req: Request, dir: string, maxBytes: number): Promise<Upload> {
  const v = zhClerk.validate;
  if (!(req.headers['content-type'] ?? '').toLowerCase().startsWith('multipart/form-data')) {
    return Promise.reject(refuse(400, 'not_multipart', v.notMultipart));
  }
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > maxBytes + 64 * 1024) return Promise.reject(refuse(413, 'too_large', v.tooLarge(Math.round(maxBytes / 1024 / 1024))));
  return new Promise<Upload>((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: req.headers, defParamCharset: 'utf8', limits: { files: 1, fileSize: maxBytes, fields: 10, fieldSize: 1024, parts: 12, headerPairs: 50 } });
    } catch {
      reject(refuse(400, 'not_multipart', v.notMultipart));
      return;
    }
    let upload: Promise<Upload> | undefined;
    let failure: HttpError | undefined;
    parser.on('file', (field, stream, info) => {
      const name = path.basename(info.filename ?? '').normalize('NFKC');
      // another field, a second file, or a form sent with no file chosen (empty name)
      if (field !== 'file' || upload || name === '') {
        stream.resume();
        return;
      }
      const target = path.join(dir, 'upload');
      stream.on('limit', () => {
        failure = refuse(413, 'too_large', v.tooLarge(Math.round(maxBytes / 1024 / 1024)));
      });
      upload = pipeline(stream, createWriteStream(target)).then(() => ({ name, path: target }));
      upload.catch(() => undefined);
    });
    parser.on('filesLimit', () => {
      failure ??= refuse(400, 'too_many_files', v.tooManyFiles);
    });
    parser.on('error', () => reject(failure ?? refuse(400, 'bad_multipart', v.notMultipart)));
    parser.on('close', () => {
      if (failure) return reject(failure);
      if (!upload) return reject(refuse(400, 'no_file', v.noFile));
      upload.then((u) => (failure ? reject(failure) : resolve(u)), () => reject(failure ?? refuse(400, 'bad_multipart', v.notMultipart)));
    });
    req.pipe(parser);
  });
}

/** The answer: the refresh's result with Chinese reason and column names beside the codes. */
function answer(result: ValidationResult) {
  return {
    file_name: result.file_name,
    kind: result.kind,
    rows_read: result.rows_read,
    rows_ok: result.rows_ok,
    rows_rejected: result.rows_rejected,
    rejected_by_reason: result.rejected_by_reason,
    file_rejected: result.file_rejected,
    rows: result.rows.map((r) => ({
      sheet: r.sheet,
      row_number: r.row_number,
      reason_code: r.reason_code,
      reason: zh.reasons[r.reason_code] ?? r.reason_code,
      column_name: r.column_name,
      column: columnHeader(r.kind, r.column_name),
      message: r.message,
      county_code: r.county_code,
      raw: r.raw,
      // the row's cells under their Chinese headers, for people
      values: Object.entries(r.raw)
        .filter(([, value]) => value !== null && value !== '')
        .map(([alias, value]) => ({ column_name: alias, column: columnHeader(r.kind, alias), value })),
    })),
  };
}

export function registerValidateApi(router: Router, app: AppContext): void {
  let running = false;
  router.post('/api/validate', async (req, res) => {
    const v = zhClerk.validate;
    if (running) {
      req.resume();
      throw refuse(429, 'busy', v.busy);
    }
    running = true;
    const dir = await mkdtemp(path.join(os.tmpdir(), 'lishui-upload-'));
    try {
      const upload = await receiveUpload(req, dir, app.validate.maxBytes);
      let result: ValidationResult;
      try {
        result = await validateExportFile(upload, {
          warehouseFile: app.warehouse.file,
          secret: app.validate.secret(),
          timeoutMs: VALIDATE_TIMEOUT_MS,
        });
      } catch (error) {
        if (error instanceof UnknownFileNameError) throw refuse(400, 'unknown_file', v.unknownName(upload.name, acceptedNames()));
        throw error;
      }
      res.json(answer(result));
    } finally {
      running = false;
      await rm(dir, { recursive: true, force: true });
    }
  });
}
