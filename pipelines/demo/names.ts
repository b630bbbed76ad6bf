// Chinese personal names: common surnames by rough frequency (with 蓝, 雷, 钟 for Lishui's
// She communities) and given names of one or two characters.
import { runningTotals, type Random } from './random.ts';

const SURNAMES = [
  '王', '李', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周', '徐', '孙', '马', '朱', '胡', '郭', '何', '高', '林', '罗',
  '郑', '梁', '谢', '宋', '唐', '许', '韩', '冯', '邓', '曹', '彭', '曾', '肖', '田', '董', '潘', '叶', '蒋', '杜', '魏',
  '程', '吕', '丁', '沈', '任', '姚', '卢', '傅', '钟', '蓝', '雷', '季', '项', '毛', '应', '练', '麻', '柳', '鲍', '金',
] as const;
const SURNAME_TOTALS = runningTotals(SURNAMES.map((_, i) => (i < 10 ? 6 : i < 20 ? 3 : i < 40 ? 2 : 1.5)));

const MALE_CHARS = '伟刚勇毅俊峰强军平保东文辉力明永健世广志义兴良海山仁波宁贵福生龙元全国胜学祥才发武新利清飞彬富顺信子杰涛昌成康星光天达安岩中茂进林有坚和彪博诚先敬震振壮会思群豪心邦承乐绍功松善厚庆磊民友裕河哲江超浩亮政谦亨奇固之轮翰朗伯宏言若鸣朋斌梁栋维启克伦翔旭鹏泽晨辰士以建家致树炎德行时泰盛雄琛钧冠策腾楠榕风航弘';
const FEMALE_CHARS = '秀娟英华慧巧美娜静淑惠珠翠雅芝玉萍红娥玲芬芳燕彩春菊兰凤洁梅琳素云莲真环雪荣爱妹霞香月莺媛艳瑞凡佳嘉琼勤珍贞莉桂娣叶璐娅琦晶妍茜秋珊莎锦黛青倩婷姣婉娴瑾颖露瑶怡婵雁蓓纨仪荷丹蓉眉君琴蕊薇菁梦岚苑婕馨瑗琰韵融园艺咏卿聪澜纯毓悦昭冰爽琬茗羽希宁欣飘育滢馥筠柔竹霭凝晓欢霄枫芸菲寒伊亚宜可姬舒影荔枝思丽';

export function personName(random: Random, male: boolean): string {
  const surname = SURNAMES[random.indexFromTotals(SURNAME_TOTALS)] as string;
  const pool = male ? MALE_CHARS : FEMALE_CHARS;
  const first = pool[random.int(0, pool.length - 1)] as string;
  if (random.chance(0.25)) return surname + first;
  return surname + first + (pool[random.int(0, pool.length - 1)] as string);
}
