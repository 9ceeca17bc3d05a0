/** Bar widths (0–100 %) for durations, scaled so that the longest one fills the bar; a missing duration gets none. */
export function durationBarWidths(durations: readonly (number | undefined)[]): number[] {
  const longest = Math.max(0, ...durations.map((d) => d ?? 0));
  return durations.map((d) => {
    if (d == null || longest <= 0) return 0;
    // A run that took no time still shows a sliver, so it does not look like one with no duration at all.
    return Math.max(1, Math.round((d / longest) * 1000) / 10);
  });
}
