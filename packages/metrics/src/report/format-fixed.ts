/**
 * `value` with `digits` decimals, rounding exact ties to even as Python's `format(value, '.Nf')` does
 * (JavaScript's `toFixed` rounds them up), so reports match scikit-learn's character for character.
 */
export function formatFixed(value: number, digits: number): string {
  if (!Number.isFinite(value)) return String(value);
  const expanded = Math.abs(value).toFixed(Math.min(100, digits + 60));
  const dot = expanded.indexOf('.');
  const kept = expanded.slice(0, dot + digits + 1).replace(/\.$/, '');
  const rest = expanded.slice(dot + digits + 1);
  const isTie = rest[0] === '5' && /^50*$/.test(rest);
  let rounded = Math.abs(value).toFixed(digits);
  if (isTie) {
    const lastDigit = Number(kept[kept.length - 1]);
    // Ties go to the even neighbour: keep the truncated digits when the last one is already even.
    if (lastDigit % 2 === 0) rounded = kept;
  }
  return value < 0 || Object.is(value, -0) ? `-${rounded}` : rounded;
}
