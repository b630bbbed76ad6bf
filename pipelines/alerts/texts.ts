// Every Chinese text of an alert, in one place (the people who read alerts are the city's
// operators, in a chat group or a mail behind the webhook).
import { triggerLabel, type RunOutcome } from '../run/vocabulary.ts';

const SOURCES: Record<string, string> = { offices: '司法所与人员名册', cases: '案件', training: '培训' };
const OUTCOMES: Record<string, string> = { success: '成功', partial: '部分成功', failed: '失败', killed: '中断', running: '进行中', skipped: '跳过' };

export const alertTexts = {
  system: '丽水市司法所综合改革监测',
  trigger: triggerLabel,
  outcome: (outcome: RunOutcome) => OUTCOMES[outcome] ?? outcome,
  runFailed: {
    title: (runId: string) => `数据刷新失败（运行 ${runId}）`,
    message: (trigger: string, why: string | null) =>
      `${triggerLabel(trigger)}触发的刷新未能发布，看板仍显示上一次成功的数据。原因：${why ?? '未知'}`,
  },
  runKilled: {
    title: (runId: string | null) => `数据刷新进程异常终止${runId ? `（运行 ${runId}）` : ''}`,
    message: (signal: string) => `刷新进程被信号 ${signal} 终止，本次未发布，看板仍显示上一次成功的数据；收件箱中的文件保留，下次刷新会重新加载。`,
  },
  testsError: {
    title: (n: number) => `${n} 项数据测试未通过（错误级，阻止发布）`,
    message: (names: string[]) => `未通过的测试：${names.join('；')}`,
  },
  testsWarn: {
    title: (n: number) => `${n} 项数据测试未通过（警告级，已记录）`,
    message: (names: string[]) => `未通过的测试：${names.join('；')}`,
  },
  stale: {
    title: (counties: number, days: number) => `${counties} 个县（市、区）有数据超过 ${days} 天未更新`,
    item: (county: string, source: string, lastExport: string, days: number) =>
      `${county}${SOURCES[source] ?? source}：最近导出 ${lastExport}，已 ${days} 天`,
    message: (items: string[]) => `${items.join('；')}。请联系相关县（市、区）尽快报送最新导出文件。`,
  },
  failing: (name: string, failures: number, status: string) => (status === 'error' ? `${name}（无法执行）` : `${name}（${failures} 行）`),
} as const;
