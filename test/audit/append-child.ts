// A second process appending to the same audit log (the CLI beside the server): argv dir, count, tag.
import { AuditLog } from '../../pipelines/audit-log/index.ts';

const [dir, count, tag] = process.argv.slice(2) as [string, string, string];
const log = new AuditLog({ dir });
await Promise.all(
  Array.from({ length: Number(count) }, (_, i) => log.append({ user: tag, action: 'test.append', target: `${tag}-${i}`, outcome: 'success' })),
);
