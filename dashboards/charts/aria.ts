// Plot names its marks' groups in English for screen readers ("bar", "x-axis tick", …) and takes
// no option to change those names; this renames them in Chinese after drawing, on the server and
// in the browser alike.

const MARKS: Record<string, string> = {
  bar: '条形',
  dot: '数据点',
  line: '折线',
  rule: '参考线',
  text: '数值标注',
  tick: '刻度线',
  rect: '区域',
  tip: '提示',
  area: '面积',
  frame: '边框',
  link: '连线',
};

const AXES: Record<string, string> = { x: '横轴', y: '纵轴', fx: '横向分面', fy: '纵向分面' };
const AXIS_PARTS: Record<string, string> = { tick: '刻度', 'tick label': '刻度标签', label: '标题' };

/** The Chinese name of one of Plot's group labels, or the label itself when it is already ours. */
export function chineseAriaLabel(label: string): string {
  if (MARKS[label]) return MARKS[label];
  const grid = /^(fx|fy|x|y)-grid$/.exec(label);
  if (grid) return `${AXES[grid[1]!]}网格线`;
  const axis = /^(fx|fy|x|y)-axis(?: (tick label|tick|label))?$/.exec(label);
  if (axis) return `${AXES[axis[1]!]}${axis[2] ? AXIS_PARTS[axis[2]]! : ''}`;
  return label;
}

interface AriaElement {
  tagName: string;
  hasAttribute(name: string): boolean;
  getAttribute(name: string): string | null;
  setAttribute(name: string, value: string): void;
  querySelectorAll(selector: string): Iterable<AriaElement> | ArrayLike<AriaElement>;
}

/**
 * Renames every English group label inside a drawn chart, and gives labelled elements a role:
 * ARIA allows a name only on elements with one (a group of marks; a single mark is an image).
 */
export function localizeAria(root: AriaElement): void {
  for (const element of Array.from(root.querySelectorAll('[aria-label]'))) {
    const label = element.getAttribute('aria-label');
    if (label === null) continue;
    const chinese = chineseAriaLabel(label);
    if (chinese !== label) element.setAttribute('aria-label', chinese);
    const tag = element.tagName.toLowerCase();
    if (!element.hasAttribute('role') && tag !== 'a' && tag !== 'svg') element.setAttribute('role', tag === 'g' ? 'group' : 'img');
  }
}
