// DuckDB's error messages turned into Chinese for the analyst: unknown table or column (with a
// 您是否想找 hint from the analyst schema), syntax errors with their line and column, type and
// conversion errors, missing functions, memory and interrupts. DuckDB's own words follow in
// parentheses where they help (a name, a type), never its English category ("Binder Error").
// Erasable TypeScript only (see worker-protocol.ts).
import { closestName } from './suggest.ts';

export interface ErrorContext {
  martRelations: ReadonlySet<string>;
  martColumns: ReadonlySet<string>;
  /** The statement, to turn a character offset into line and column. */
  sql: string;
}

const CATEGORY = /^(?:[A-Z][A-Za-z ]*? Error|INTERNAL Error):\s*/;

/** A Chinese message for a DuckDB error (its first line of detail kept only as a quoted hint). */
export function translateDuckDbError(raw: string, context: ErrorContext): string {
  const message = raw.replace(CATEGORY, '');
  const firstLine = message.split('\n')[0]!.trim();
  const where = position(raw, context.sql);
  let match: RegExpExecArray | null;

  if ((match = /Table with name "?([^"!\s]+)"? does not exist/i.exec(firstLine))) {
    const hint = closestName(match[1]!, context.martRelations);
    return `表 ${match[1]} 不存在${hint ? `。您是否想找 mart.${hint}？` : ''}`;
  }
  if ((match = /Referenced column "?([^"\s]+)"? not found/i.exec(firstLine)) || (match = /column "?([^"\s]+)"? (?:not found|does not exist)/i.exec(firstLine))) {
    const candidates = /Candidate bindings:\s*(.+)$/im.exec(message)?.[1];
    const fromCandidates = candidates ? [...candidates.matchAll(/"([^"]+)"/g)].map((m) => m[1]!.split('.').pop()!) : [];
    const hint = closestName(match[1]!, fromCandidates.length > 0 ? fromCandidates : context.martColumns);
    return `列 ${match[1]} 不存在${hint ? `。您是否想找 ${hint}？` : ''}${where}`;
  }
  if ((match = /(?:Scalar|Aggregate|Table) Function with name "?([^"\s]+)"? does not exist/i.exec(firstLine))) {
    return `函数 ${match[1]}() 不存在${where}`;
  }
  if (/syntax error at end of input/i.test(firstLine)) return `SQL 语法错误：语句不完整（在末尾）`;
  if ((match = /syntax error at or near "(.*)"/i.exec(firstLine))) return `SQL 语法错误：在“${match[1]}”附近${where}`;
  if (/unterminated quoted string/i.test(firstLine)) return `SQL 语法错误：引号没有闭合${where}`;
  if ((match = /Could not convert string '(.*)' to (\w+)/i.exec(firstLine))) {
    return `类型转换错误：无法把文本 '${match[1]}' 转换为 ${match[2]}${where}`;
  }
  if ((match = /Cannot compare values of type (\S+) and (?:type )?(\S+)/i.exec(firstLine))) {
    return `类型不匹配：不能比较 ${match[1]} 与 ${match[2]} 类型的值，请用 CAST 转换${where}`;
  }
  if (/No function matches the given name and argument types/i.test(firstLine)) {
    const call = /'([^']+)'/.exec(firstLine)?.[1];
    return `函数参数类型不匹配${call ? `：${call}` : ''}，请检查参数或用 CAST 转换${where}`;
  }
  if (/Conversion Error|Type Error|Mismatch Type|Invalid Input Error|Out of Range/i.test(raw) || /overflow|out of range|cast/i.test(firstLine)) {
    return `类型或数值错误：${firstLine}${where}`;
  }
  if (/must appear in the GROUP BY clause|GROUP BY/i.test(firstLine)) return `分组错误：列须出现在 GROUP BY 中或放进聚合函数${where}`;
  if (/Ambiguous reference/i.test(firstLine)) return `列名有歧义，请加上表名或别名${where}`;
  if (/Division by zero/i.test(firstLine)) return '除数为零';
  if (/expression depth limit|stack overflow|recursion depth/i.test(firstLine)) return '语句嵌套过深，请拆分或简化查询';
  if (/Out of Memory|failed to allocate|bad allocation|memory limit/i.test(raw)) return '查询所需内存超过上限，已停止。请缩小范围（加 WHERE / LIMIT 或先聚合）后重试';
  if (/INTERRUPT/i.test(raw)) return '查询已中断';
  return `查询出错：${firstLine}${where}`;
}

/** "（第 L 行第 C 列）" from DuckDB's LINE marker or position, else empty. */
function position(raw: string, sql: string): string {
  const located = /LINE (\d+):.*\n(\s*)\^/.exec(raw);
  if (located) {
    const lineText = /LINE \d+: /.exec(raw)!;
    const caretColumn = located[2]!.length - lineText[0].length + 1;
    return caretColumn > 0 ? `（第 ${located[1]} 行第 ${caretColumn} 列）` : `（第 ${located[1]} 行）`;
  }
  const offset = /at position (\d+)/i.exec(raw)?.[1];
  if (offset !== undefined) {
    const before = sql.slice(0, Number(offset));
    const line = before.split('\n').length;
    const column = Number(offset) - before.lastIndexOf('\n');
    return `（第 ${line} 行第 ${column} 列）`;
  }
  return '';
}
