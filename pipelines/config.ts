// One place that turns the environment (and an optional DATA_DIR/config.json) into typed
// settings. Every command and the server read their paths and limits from here, so two
// instances with two DATA_DIRs never touch each other (interfaces.md).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

const fileSettingsSchema = z
  .object({
    /** HTTP(S) URLs of export files to pull before each refresh. */
    sourceUrls: z.array(z.url({ protocol: /^https?$/ })).default([]),
    sourceTimeoutMs: z.number().int().positive().default(60_000),
    sourceRetries: z.number().int().min(0).max(10).default(3),
    /** DuckDB resource limits for refreshes (the server's read connections use their own). */
    duckdbMemoryLimit: z.string().default('4GB'),
    duckdbThreads: z.number().int().positive().default(2),
    scheduleCron: z.string().default('0 2 * * *'),
    scheduleTimezone: z.string().default('Asia/Shanghai'),
    scheduleEnabled: z.boolean().default(true),
    alertWebhookUrl: z.url({ protocol: /^https?$/ }).optional(),
    /** A county whose newest export of a kind is older than this many days raises an alert. */
    staleAfterDays: z.number().int().positive().default(45),
    /** Published warehouses kept for rollback. */
    keepWarehouses: z.number().int().min(1).default(5),
    consoleTimeoutMs: z.number().int().positive().default(10_000),
    consoleRowLimit: z.number().int().positive().default(10_000),
    consoleExportRowCap: z.number().int().positive().default(1_000_000),
    consoleMemoryLimit: z.string().default('1GB'),
    /** After each publish, core facts and marts as Hive-partitioned Parquet here (pipelines/publish/lake.ts). */
    lakeDir: z.string().optional(),
    /** Served over TLS (directly or behind a TLS proxy): session cookies get Secure, responses HSTS. */
    tls: z.boolean().default(false),
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
  if (env.ALERT_WEBHOOK_URL) out.alertWebhookUrl = env.ALERT_WEBHOOK_URL;
  if (env.STALE_AFTER_DAYS) out.staleAfterDays = Number(env.STALE_AFTER_DAYS);
  if (env.LAKE_DIR) out.lakeDir = env.LAKE_DIR;
  if (env.TLS === '1' || env.TLS === 'true') out.tls = true;
  return out;
}
