/**
 * Spelling tolerance for names: a question may misspell a name the story writes ("Zeria" for
 * "Zeira"), and the readers of questions and sentences (./reader.ts, ./roles.ts, ./spans.ts)
 * still match it.
 */
/** A typo or spelling variant of a name: "Zeria"/"Zeira", "Kelven"/"Kelvin". */
export function nearSpelling(a: string, b: string): boolean {
  if (a.length < 4 || b.length < 4 || a[0] !== b[0]) return false;
  // Numbers have no typos to forgive: 1765 is not 1756.
  if (/\d/.test(a) || /\d/.test(b)) return false;
  const limit = Math.max(a.length, b.length) >= 8 ? 2 : 1;
  if (Math.abs(a.length - b.length) > limit) return false;
  return damerau(a, b, limit) <= limit;
}
function damerau(a: string, b: string, limit: number): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    let rowMin = Infinity;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
      rowMin = Math.min(rowMin, v);
    }
    if (rowMin > limit) return limit + 1;
  }
  return d[a.length]![b.length]!;
}
/** A sentence read against a question. */
