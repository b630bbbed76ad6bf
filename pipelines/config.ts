// One place that turns the environment (and an optional DATA_DIR/config.json) into typed
// settings. Every command and the server read their paths and limits from here, so two
// instances with two DATA_DIRs never touch each other (interfaces.md).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { DEFAULT_WORKBOOK_LIMITS, type WorkbookLimits } from './read/workbook-limits.ts';

const fileSettingsSchema = z
  .object({
    /** HTTP(S) URLs of export files to pull before each refresh. */
    sourceUrls: z.array(z.url({ protocol: /^https?$/ })).default([]),
    sourceTimeoutMs: z.number().int().positive().default(60_000),
    sourceRetries: z.number().int().min(0).max(10).default(3),
    /** DuckDB resource limits for refreshes (the server's read connections use their own). */
    // DuckDB's share of a refresh: with Node's own memory the whole refresh stays under 3 GiB at
    // national scale (2.74 GiB measured; 3.95 GiB with 4GB, and no faster: bench/results/).
    duckdbMemoryLimit: z.string().default('2500MB'),
    duckdbThreads: z.number().int().positive().default(2),
    scheduleCron: z.string().default('0 2 * * *'),
    scheduleTimezone: z.string().default('Asia/Shanghai'),
    scheduleEnabled: z.boolean().default(true),
    /** The automatic monthly edition (the previous month's), on its own schedule. */
    editionCron: z.string().default('30 2 1 * *'),
    editionTimezone: z.string().default('Asia/Shanghai'),
    editionScheduleEnabled: z.boolean().default(true),
    /** The issuing office printed on the monthly report. */
    issuingOffice: z.string().min(1).max(40).default('丽水市司法局'),
    alertWebhookUrl: z.url({ protocol: /^https?$/ }).optional(),
    /** A county whose newest export of a kind is older than this many days raises an alert. */
    staleAfterDays: z.number().int().positive().default(45),
    /** Each month's exports are due by this day of the following month (on-time rate on 数据质量). */
    submissionDeadlineDay: z.number().int().min(1).max(28).default(5),
    /** Largest file POST /api/validate (预检) accepts, in bytes. */
    validateMaxBytes: z.number().int().positive().max(1024 * 1024 * 1024).default(50 * 1024 * 1024),
    /** Published warehouses kept for rollback. */
    keepWarehouses: z.number().int().min(1).default(5),
    consoleTimeoutMs: z.number().int().positive().default(10_000),
    consoleRowLimit: z.number().int().positive().default(10_000),
    consoleExportRowCap: z.number().int().positive().default(1_000_000),
    consoleMemoryLimit: z.string().default('1GB'),
    /** Console worker processes (each runs one query at a time). */
    consoleWorkers: z.number().int().min(1).max(16).default(2),
    /** Queries that may wait for a worker, and how long each may wait, before a 503. */
    consoleQueueLength: z.number().int().min(0).default(4),
    consoleQueueWaitMs: z.number().int().positive().default(15_000),
    /** Memory a worker may take beyond its idle size, enforced by the OS (RLIMIT_AS); default consoleMemoryLimit + 512MB. */
    consoleMemoryCap: z.string().optional(),
    /** A stopped query's worker is killed when it has not ended after this long. */
    consoleKillGraceMs: z.number().int().positive().default(1_500),
    consoleMaxSqlChars: z.number().int().positive().default(100_000),
    /** Bytes of a JSON answer (rows beyond are cut, `truncated: true`). */
    consoleJsonByteCap: z.number().int().positive().default(32_000_000),
    /** Bytes of a CSV / Arrow / Parquet / xlsx export. */
    consoleExportByteCap: z.number().int().positive().default(1_000_000_000),
    /** After each publish, core facts and marts as Hive-partitioned Parquet here (pipelines/publish/lake.ts). */
    lakeDir: z.string().optional(),
    /** Served over TLS (directly or behind a TLS proxy): session cookies get Secure, responses HSTS. */
    tls: z.boolean().default(false),
    /** What one workbook may cost (pipelines/read/workbook-limits.ts); each field overrides its default. */
    workbookLimits: z
      .object(Object.fromEntries(Object.keys(DEFAULT_WORKBOOK_LIMITS).map((key) => [key, z.number().positive()])) as Record<keyof WorkbookLimits, z.ZodNumber>)
      .partial()
      .strict()
      .transform((given): WorkbookLimits => ({ ...DEFAULT_WORKBOOK_LIMITS, ...given }))
      .default(DEFAULT_WORKBOOK_LIMITS),
    /** Days the audit log (DATA_DIR/audit) keeps a line; 等保二级 asks for at least six months. */
    auditRetentionDays: z.number().int().min(180, '审计日志至少保留 180 天 / auditRetentionDays must be at least 180').default(180),
    /** Days after which a password must be changed; unset: passwords do not expire. */
    passwordMaxAgeDays: z.number().int().positive().optional(),
    /** A signed-in session ends after this many idle minutes, and after this many hours in all. */
    sessionIdleMinutes: z.number().int().positive().max(24 * 60).default(30),
    sessionMaxHours: z.number().int().positive().max(7 * 24).default(12),
  })
  .strict();

export type FileSettings = z.infer<typeof fileSettingsSchema>;

export interface Config extends FileSettings {
  dataDir: string;
  inboxDir: string;
  archiveDir: string;
  /** The published main warehouse; the server only ever opens it read-only. */
  warehouseFile: string;
  port: number;
  /** HMAC secret for person keys; when unset one is generated under dataDir on first use. */
  hmacSecret: string | undefined;
  secretFile: string;
  usersFile: string;
}

export interface ConfigOverrides {
  dataDir?: string;
  inboxDir?: string;
  warehouseFile?: string;
  port?: number;
}

/** Reads the configuration; `env` and `overrides` are parameters so tests never touch process.env. */
export function loadConfig(overrides: ConfigOverrides = {}, env: NodeJS.ProcessEnv = process.env): Config {
  const dataDir = path.resolve(overrides.dataDir ?? env.DATA_DIR ?? 'data');
  const configFile = path.join(dataDir, 'config.json');
  let fileSettings: unknown = {};
  if (existsSync(configFile)) {
    try {
      fileSettings = JSON.parse(readFileSync(configFile, 'utf8'));
    } catch (error) {
      throw new Error(`配置文件 ${configFile} 不是有效的 JSON：${(error as Error).message}`);
    }
  }
  const parsed = fileSettingsSchema.safeParse({ ...envSettings(env), ...(fileSettings as object) });
  if (!parsed.success) {
    throw new Error(`配置有误（${configFile} 或环境变量）：${z.prettifyError(parsed.error)}`);
  }
  const port = overrides.port ?? Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT 无效：${env.PORT}`);
  return {
    ...parsed.data,
    ...(parsed.data.lakeDir ? { lakeDir: path.resolve(dataDir, parsed.data.lakeDir) } : {}),
    dataDir,
    inboxDir: path.resolve(overrides.inboxDir ?? path.join(dataDir, 'inbox')),
    archiveDir: path.join(dataDir, 'archive'),
    warehouseFile: path.resolve(overrides.warehouseFile ?? path.join(dataDir, 'warehouse', 'warehouse.duckdb')),
    port,
    hmacSecret: env.HMAC_SECRET || undefined,
    secretFile: path.join(dataDir, 'secret.key'),
    usersFile: path.join(dataDir, 'users.json'),
  };
}

/** Settings that may also come from environment variables (the file wins when both are set). */
function envSettings(env: NodeJS.ProcessEnv): Partial<Record<keyof FileSettings, unknown>> {
  const out: Partial<Record<keyof FileSettings, unknown>> = {};
  if (env.SOURCE_URLS) out.sourceUrls = env.SOURCE_URLS.split(/[\s,]+/).filter(Boolean);
  if (env.DUCKDB_MEMORY_LIMIT) out.duckdbMemoryLimit = env.DUCKDB_MEMORY_LIMIT;
  if (env.DUCKDB_THREADS) out.duckdbThreads = Number(env.DUCKDB_THREADS);
  if (env.REFRESH_CRON) out.scheduleCron = env.REFRESH_CRON;
  if (env.REFRESH_TZ) out.scheduleTimezone = env.REFRESH_TZ;
  if (env.REFRESH_SCHEDULE === 'off') out.scheduleEnabled = false;
  if (env.EDITION_CRON) out.editionCron = env.EDITION_CRON;
  if (env.EDITION_TZ) out.editionTimezone = env.EDITION_TZ;
  if (env.EDITION_SCHEDULE === 'off') out.editionScheduleEnabled = false;
  if (env.ISSUING_OFFICE) out.issuingOffice = env.ISSUING_OFFICE;
  if (env.ALERT_WEBHOOK_URL) out.alertWebhookUrl = env.ALERT_WEBHOOK_URL;
  if (env.STALE_AFTER_DAYS) out.staleAfterDays = Number(env.STALE_AFTER_DAYS);
  if (env.LAKE_DIR) out.lakeDir = env.LAKE_DIR;
  if (env.TLS === '1' || env.TLS === 'true') out.tls = true;
  if (env.AUDIT_RETENTION_DAYS) out.auditRetentionDays = Number(env.AUDIT_RETENTION_DAYS);
  if (env.PASSWORD_MAX_AGE_DAYS) out.passwordMaxAgeDays = Number(env.PASSWORD_MAX_AGE_DAYS);
  if (env.SESSION_IDLE_MINUTES) out.sessionIdleMinutes = Number(env.SESSION_IDLE_MINUTES);
  if (env.SESSION_MAX_HOURS) out.sessionMaxHours = Number(env.SESSION_MAX_HOURS);
  return out;
}
