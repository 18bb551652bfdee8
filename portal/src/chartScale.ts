/**
 * The Overview chart's grid lines: zero, the middle and the top, as whole numbers, each once
 * (with a top of 1 the middle would read 1 too; with a top of 0 there is only the zero line).
 */
export function gridValues(max: number): number[] {
  return [...new Set([0, Math.round(max / 2), max])];
}
