/**
 * Role sets as hex masks: role k (its index in `Plan.roleOrder`, most generous first) is bit
 * k % 4 of hex digit k / 4. A group of tools stores one mask instead of a list of role names, so
 * the policy stays small with many roles, and "the most generous of the caller's roles that
 * allows the tool" is simply the lowest index whose bit is set.
 */
export function roleMask(roles: readonly string[], roleOrder: readonly string[]): string {
  const digits = new Array<number>(Math.max(1, Math.ceil(roleOrder.length / 4))).fill(0);
  for (const role of roles) {
    const k = roleOrder.indexOf(role);
    if (k < 0) throw new Error(`role ${role} is not in the role order`);
    digits[k >> 2]! |= 1 << (k & 3);
  }
  return digits.map((d) => d.toString(16)).join('');
}

/** The roles a mask stands for (the inverse of `roleMask`); used by tests to read policies back. */
export function rolesOfMask(mask: string, roleOrder: readonly string[]): string[] {
  return roleOrder.filter((_, k) => ((Number.parseInt(mask[k >> 2] ?? '0', 16) >> (k & 3)) & 1) === 1);
}

/** C# condition: bit `k` (an int expression) of the mask (a string expression) is set. */
export function csMaskHas(mask: string, k: string): string {
  return `((Convert.ToInt32(${mask}.Substring(${k} / 4, 1), 16) >> (${k} % 4)) & 1) == 1`;
}
