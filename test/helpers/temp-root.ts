// Vitest global setup: every test's temporary folders (os.tmpdir(), mkdtemp) land in one folder
// of this run, removed when the run ends. Test workers, and the CLIs, servers and browsers the
// tests start, inherit TMPDIR, so a test that forgets to clean up leaves nothing behind.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export default function setup(): () => void {
  const root = mkdtempSync(path.join(os.tmpdir(), 'lishui-tests-'));
  process.env.TMPDIR = root;
  return () => {
    rmSync(root, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  };
}
