// People are keyed by HMAC-SHA-256 of their normalised ID number (exports.md, "Personal data").
// The secret comes from configuration or a file beside the warehouse; the hash is computed in
// SQL by a TEMP macro, so raw ID numbers never leave DuckDB's in-memory staging catalog and the
// secret is never stored in a warehouse file (temporary objects are not persisted).
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Config } from '../config.ts';

/** SHA-256 works on 64-byte blocks: HMAC pads (or first hashes) its key to that length. */
const BLOCK_BYTES = 64;
const SECRET_BYTES = 32;
const MIN_CONFIGURED_SECRET_CHARS = 16;

/**
 * The HMAC secret: `config.hmacSecret` (HMAC_SECRET, its UTF-8 bytes) when set, else the hex key
 * in `config.secretFile`, else 32 random bytes written there first, readable by the owner only.
 * Never logged; errors name the file, never its content.
 */
export function loadOrCreateSecret(config: Pick<Config, 'hmacSecret' | 'secretFile'>): Buffer {
  if (config.hmacSecret !== undefined) {
    if (config.hmacSecret.length < MIN_CONFIGURED_SECRET_CHARS) {
      throw new Error(`HMAC_SECRET 太短：至少需要 ${MIN_CONFIGURED_SECRET_CHARS} 个字符（建议 64 位十六进制随机数）`);
    }
    return Buffer.from(config.hmacSecret, 'utf8');
  }
  if (!existsSync(config.secretFile)) writeNewSecret(config.secretFile);
  return readSecretFile(config.secretFile);
}

function readSecretFile(file: string): Buffer {
  const text = readFileSync(file, 'utf8').trim();
  if (!/^(?:[0-9a-fA-F]{2}){32,}$/.test(text)) {
    throw new Error(`密钥文件 ${file} 格式不对：应为至少 64 位十六进制字符（32 字节）；请恢复备份，或改用 HMAC_SECRET 配置`);
  }
  return Buffer.from(text, 'hex');
}

/** Writes a fresh key without ever replacing one that another process wrote meanwhile. */
function writeNewSecret(file: string): void {
  const dir = path.dirname(file);
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true, mode: 0o700 });
  const temporary = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  writeFileSync(temporary, `${randomBytes(SECRET_BYTES).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  try {
    chmodSync(temporary, 0o600); // the umask may have taken bits away, never added: make it exact
    linkSync(temporary, file); // fails if the file appeared meanwhile: then that one is the key
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    unlinkSync(temporary);
  }
}

/** The two HMAC pads of a key: (K' ⊕ 0x36…) and (K' ⊕ 0x5c…), K' the key padded to a block. */
export function hmacPads(secret: Buffer): { inner: Buffer; outer: Buffer } {
  const key = Buffer.alloc(BLOCK_BYTES);
  (secret.length > BLOCK_BYTES ? createHash('sha256').update(secret).digest() : secret).copy(key);
  const inner = Buffer.alloc(BLOCK_BYTES);
  const outer = Buffer.alloc(BLOCK_BYTES);
  for (let i = 0; i < BLOCK_BYTES; i++) {
    inner[i] = key[i]! ^ 0x36;
    outer[i] = key[i]! ^ 0x5c;
  }
  return { inner, outer };
}

/**
 * Defines `person_key(id)` on the connection: lower-hex HMAC-SHA-256(secret, upper(clean_text(id))),
 * NULL for NULL. HMAC = sha256(outer ‖ sha256(inner ‖ message)); the pads are inlined as blob
 * literals, so the macro needs nothing else and lives only as long as the connection.
 * Needs the `clean_text` macro (sql/macros), i.e. prepareWarehouse first.
 */
export async function createPersonKeyMacro(connection: DuckDBConnection, secret: Buffer): Promise<void> {
  if (secret.length === 0) throw new Error('HMAC 密钥为空');
  const { inner, outer } = hmacPads(secret);
  const sql = `CREATE OR REPLACE TEMP MACRO person_key(id) AS
    sha256(unhex('${outer.toString('hex')}') || unhex(sha256(unhex('${inner.toString('hex')}') || encode(upper(clean_text(id))))))`;
  try {
    await connection.run(sql);
  } catch (error) {
    // DuckDB's message may quote the statement, and with it the key: never pass it on.
    const reason = (error as Error).message.includes('clean_text') ? '（缺少 clean_text 宏：请先运行 prepareWarehouse）' : '';
    throw new Error(`无法创建 person_key 宏${reason}`);
  }
}
