// The short report a refresh prints at its end (interfaces.md): files loaded, rows loaded,
// rows rejected by reason, time taken, and every file that was unknown or rejected whole, with
// why. In Chinese, for the operators who run it.
import type { RefreshResult } from './vocabulary.ts';
import { STAGES, type StageName } from './stages.ts';

const STATUS_TEXT = { success: '成功', partial: '部分成功（有被拒收的行或文件）', failed: '失败，未发布' } as const;

const STAGE_TEXT: Record<StageName, string> = {
  prepare: '准备',
  sources: '来源',
  read: '读取',
  validate: '校验',
  build: '构建',
  tests: '数据测试',
  publish: '发布',
  archive: '归档',
};

export function formatSummary(result: RefreshResult): string {
  const lines: string[] = [];
  const count = (status: string) => result.files.filter((f) => f.status === status).length;
  lines.push(`刷新${STATUS_TEXT[result.status]}　运行编号 ${result.runId}`);
  if (result.message && result.status === 'failed') lines.push(`原因：${result.message}`);
  lines.push(
    `文件：加载 ${count('loaded')} 个，跳过 ${count('skipped')} 个（此前已加载或重复），整体拒收 ${count('rejected')} 个，未识别 ${count('unknown')} 个`,
  );
  lines.push(`行：加载 ${fmt(result.rowsLoaded)} 行，拒收 ${fmt(result.rowsRejected)} 行`);
  const reasons = Object.entries(result.rejectedByReason).sort((a, b) => b[1] - a[1]);
  if (reasons.length > 0) lines.push(`　拒收原因：${reasons.map(([reason, n]) => `${reason} ${fmt(n)}`).join('，')}`);
  const seconds = (result.finishedAt.getTime() - result.startedAt.getTime()) / 1000;
  const stages = STAGES.filter((s) => result.stages[s] >= 0.0005).map((s) => `${STAGE_TEXT[s]} ${result.stages[s].toFixed(1)}`);
  lines.push(`用时 ${seconds.toFixed(1)} 秒（${stages.join(' / ')}）`);
  const slowest = result.models.slice(0, 3).filter((m) => m.seconds >= 0.05);
  if (slowest.length > 0) lines.push(`　最慢的模型：${slowest.map((m) => `${m.relation} ${m.seconds.toFixed(1)} 秒${m.runs > 1 ? `（${m.runs} 次）` : ''}`).join('，')}`);
  if (result.published) lines.push(`仓库：${result.warehouseFile}`);

  const unknown = result.files.filter((f) => f.status === 'unknown');
  if (unknown.length > 0) {
    lines.push('未识别的文件（留在收件箱）：');
    for (const f of unknown) lines.push(`　${f.name} — ${f.message ?? ''}`);
  }
  const rejected = result.files.filter((f) => f.status === 'rejected');
  if (rejected.length > 0) {
    lines.push('整体拒收的文件：');
    for (const f of rejected) lines.push(`　${f.name}${f.sheet ? `（工作表“${f.sheet}”）` : ''} — ${f.message ?? f.reasonCode ?? ''}`);
  }
  const pulls = result.pulls.filter((p) => p.status === 'failed' || p.status === 'conflict');
  if (pulls.length > 0) {
    lines.push('下载问题：');
    for (const p of pulls) lines.push(`　${p.url} — ${p.message ?? p.status}`);
  }
  if (result.archiveProblems.length > 0) {
    lines.push('未能归档（文件仍在收件箱，下次运行会跳过并归档）：');
    for (const problem of result.archiveProblems) lines.push(`　${problem}`);
  }
  const warnings = result.tests.filter((t) => t.status !== 'pass' && t.severity === 'warn');
  if (warnings.length > 0) lines.push(`数据测试警告 ${warnings.length} 项：${warnings.map((t) => t.name).join('；')}`);
  return lines.join('\n');
}

function fmt(n: number): string {
  return n.toLocaleString('en-US');
}
