// Chinese text of the layout, charts, error pages and start-up checks (issue 15: read on a desk
// and on a phone). Kept beside zh.ts so the areas do not edit the same object.

export const zhDisplay = {
  startup: {
    portTaken: (port: number) =>
      `端口 ${port} 已被其他程序占用，服务未启动。请关闭占用该端口的程序，或用环境变量 PORT 换一个端口，例如：PORT=${port === 3001 ? 3002 : 3001} npm start`,
    portDenied: (port: number) => `没有权限使用端口 ${port}（1024 以下的端口需要管理员权限）。请用环境变量 PORT 换一个端口，例如：PORT=3000 npm start`,
  },
  overview: {
    rankingDescription: (year: string) => `${year} 年各县（市、区）综合改革指数（满分 100），由高到低排列；横轴从接近最低分处开始，竖线为全市。`,
    scopedRankingTitle: (county: string) => `${county}与全市综合改革指数`,
    scopedRankingDescription: (county: string, year: string) => `${year} 年${county}与全市的综合改革指数（满分 100），横轴从接近较低者处开始。`,
    scopedTrendDescription: (county: string) => `${county}与全市综合改革指数的年度变化。`,
    scopedMatrixHeading: (county: string) => `${county}达标情况`,
    matrixIntro: '按改革指数由低到高排列（最需关注的在前）；离目标最远的指标排在前面。点击表头可重新排序。',
  },
  chart: {
    counties: '各县（市、区）',
    clickDotHint: '点击圆点可进入该县（市、区）页面',
  },
  indicatorCaption: {
    cluster: (county: string) => `本片区各项指标与${county}、全市对比`,
    office: (county: string) => `本所各项指标与${county}、全市对比`,
  },
  indicators: {
    indexFraction: (count: number) => `${count} 项指标的平均`,
    cityOfYear: (year: string) => `全市 ${year} 年`,
    noValue: '本年度无数据',
  },
  training: {
    belowLine: (below: number, counted: number, days: number, hours: number) =>
      counted === 0 ? '' : `应参训 ${counted} 人中，${below} 人未达标（不足 ${days} 天且不足 ${hours} 学时，落在左下角的浅红色区域）。`,
    clipped: '超出坐标范围、画在边缘',
  },
  nav: {
    menu: '菜单',
  },
  errors: {
    titles: { 400: '请求有误', 401: '请先登录', 403: '无权访问', 404: '未找到页面', 500: '服务器出错', 503: '数据尚未就绪' } as Record<number, string>,
    statusLine: (status: number) => `错误代码 ${status}`,
    login: '前往登录',
    back: '返回上一页',
    unauthenticated: '请先登录或提供 API 令牌。',
    forbiddenRole: (role: string) => `权限不足：此功能需要${role}角色，请联系管理员。`,
    cityWideOnly: (what: string) => `${what}只对全市范围的用户开放。`,
    csrf: '请求缺少有效的安全令牌，请刷新页面后重试。',
    invalidToken: 'API 令牌无效或已被撤销。',
  },
  roles: { viewer: '查看者', analyst: '分析员', admin: '管理员' } as Record<string, string>,
  quality: {
    today: '今天',
    yesterday: '昨天',
  },
} as const;
