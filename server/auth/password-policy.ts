// Password rules (等保二级, GB/T 22239-2019 8.1.4.1): at least 8 characters with three of
// upper case, lower case, digits and symbols; not the user's name; not one of the last 5.
// The history check is in users.ts (it needs the stored hashes).

export const MIN_PASSWORD_LENGTH = 8;
/** Longer input is refused before scrypt sees it (a door with a limit). */
export const MAX_PASSWORD_LENGTH = 256;
export const PASSWORD_HISTORY = 5;

/** The first rule a password breaks, as a Chinese message for the user; null when it is acceptable. */
export function passwordProblem(name: string, password: string): string | null {
  if (password.length < MIN_PASSWORD_LENGTH) return `密码至少 ${MIN_PASSWORD_LENGTH} 个字符。`;
  if (password.length > MAX_PASSWORD_LENGTH) return `密码最多 ${MAX_PASSWORD_LENGTH} 个字符。`;
  const classes = [/\p{Lu}/u, /\p{Ll}/u, /\p{Nd}/u, /[^\p{L}\p{Nd}\s]/u].filter((re) => re.test(password)).length;
  if (classes < 3) return '密码须包含大写字母、小写字母、数字、符号中的至少三类。';
  const lowerName = name.toLowerCase();
  const lower = password.toLowerCase();
  if (lower === lowerName || (lowerName.length >= 3 && lower.includes(lowerName))) return '密码不能是或包含用户名。';
  return null;
}
