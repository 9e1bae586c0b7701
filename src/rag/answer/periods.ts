/**
 * Centuries and runs of years ("the 10th century", "the 1100s", "the 1990s") and the years that
 * fall in them: a question dated to a period is checked against the years its sentence gives.
 */
import { numberValue } from '../nlp/english.js';

/**
 * A span of years a text names: "the 10th century", "the 900s" (900–999, as most writers count
 * them rather than 901–1000), "the 1990s".
 */
export interface Period {
  text: string;
  from: number;
  to: number;
}
/** The centuries and runs of years `text` names (none when it counts years before Christ). */
export function periodsIn(text: string): Period[] {
  if (BEFORE_CHRIST.test(text)) return [];
  const out: Period[] = [];
  for (const m of text.matchAll(/\b([\p{L}\d-]+)\s+centur(?:y|ies)\b/giu)) {
    const n = numberValue(m[1]!.split('-').pop()!) ?? -1;
    const tens = m[1]!.includes('-') ? (numberValue(m[1]!.split('-')[0]!) ?? 0) : 0;
    const century = tens + n;
    if (n >= 1 && century <= 21 && !/^\d+$/.test(m[1]!))
      out.push({ text: m[0], from: (century - 1) * 100, to: (century - 1) * 100 + 99 });
  }
  for (const m of text.matchAll(/\b(\d{3,4})s\b/g)) {
    const year = Number(m[1]);
    if (year % 100 === 0) out.push({ text: m[0], from: year, to: year + 99 });
    else if (year % 10 === 0) out.push({ text: m[0], from: year, to: year + 9 });
  }
  return out;
}
/** The years among `words` (four digits, 1000–2099). */
export function yearsIn(words: Iterable<string>): number[] {
  return [...words].filter((w) => EXACT_YEAR.test(w)).map(Number);
}
export const EXACT_YEAR = /^(?:1\d{3}|20\d{2})$/;
export const BEFORE_CHRIST = /\b(?:BC|BCE|B\.C\.)/;
