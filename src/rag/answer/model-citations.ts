/**
 * The citation rules a generated answer is held to, as pure functions:
 * markers that do not point at a retrieved passage are removed, the rest are renumbered 1..k in
 * order of first appearance, and each citation quotes the passage sentence(s) that best support the
 * claim it is attached to. Quotes are slices of the article body, so they are verbatim by construction.
 */
import { sentenceText as rawSentenceText } from '../chunk.js';
import { contentStems } from '../text.js';
import type { Chunk, Citation, Passage, Span } from '../types.js';
import { citationFor } from './cite.js';

/** A text whose `[n]` markers and citations agree one to one. */
export interface CitedText {
  text: string;
  citations: Citation[];
}

// A group of markers such as "[2]", "[1, 3]", "[2-4]" with the spaces or tabs before it (not newlines,
// so bullet lines keep their shape when a marker at the start of a line is removed).
const MARKER_GROUP = /([ \t]*)\[\s*(\d{1,4}(?:\s*[,;\-–]\s*\d{1,4})*)\s*\]/g;
const MAX_RANGE = 20;

/** Numbers named by the inside of a marker group: "1, 3" → [1, 3]; "2-4" → [2, 3, 4]. */
export function markerNumbers(inside: string): number[] {
  const numbers: number[] = [];
  for (const part of inside.split(/[,;]/)) {
    const range = /^\s*(\d+)\s*[-–]\s*(\d+)\s*$/.exec(part);
    if (range) {
      const from = Number(range[1]);
      const to = Number(range[2]);
      // A reversed or huge range is not a citation anyone meant; ignore it.
      if (to >= from && to - from <= MAX_RANGE) for (let n = from; n <= to; n++) numbers.push(n);
    } else if (/^\s*\d+\s*$/.test(part)) {
      numbers.push(Number(part));
    }
  }
  return numbers;
}

/**
 * Applies the citation rules to a model's text and its list of cited passage numbers.
 * - Markers naming no retrieved passage are removed from the text (with the space before them).
 * - Valid markers are renumbered 1..k in order of first appearance.
 * - When the text has no valid marker but the list names valid passages, markers for them are appended,
 *   so every citation is referenced; listed numbers are otherwise ignored (the text decides).
 * - Each citation quotes its passage's sentence(s) with the most words in common with the claims
 *   that carry its marker.
 */
export function applyCitationRules(
  text: string,
  listed: readonly number[],
  passages: readonly Passage[],
): CitedText {
  const byNumber = new Map(passages.map((p) => [p.n, p]));
  const renumber = new Map<number, number>();
  const order: Passage[] = [];
  const assign = (n: number): number | undefined => {
    const passage = byNumber.get(n);
    if (!passage) return undefined;
    let k = renumber.get(n);
    if (k === undefined) {
      k = order.push(passage);
      renumber.set(n, k);
    }
    return k;
  };

  let rewritten = text.replace(MARKER_GROUP, (_match, space: string, inside: string) => {
    const kept = [
      ...new Set(
        markerNumbers(inside)
          .map(assign)
          .filter((k): k is number => k !== undefined),
      ),
    ];
    return kept.length ? space + kept.map((k) => `[${k}]`).join('') : '';
  });

  if (order.length === 0) {
    const appended = [...new Set(listed)].map(assign).filter((k): k is number => k !== undefined);
    if (appended.length)
      rewritten = `${rewritten.trimEnd()} ${appended.map((k) => `[${k}]`).join('')}`;
  }

  rewritten = rewritten
    .split('\n')
    // Also drops the space a removed marker at the start of a line leaves (lists are flat).
    .map((line) => line.trim())
    .join('\n')
    .trim();

  // Only the passage choice comes from the model; the citation itself is built from passage data.
  const citations = order.map((passage, index) =>
    citationFor(
      index + 1,
      passage,
      bestSpans(passage.chunk, claimsCiting(rewritten, index + 1) || rewritten),
    ),
  );
  return { text: rewritten, citations };
}

/**
 * The claims `[k]` is attached to: for each marker group holding `[k]`, the text between the previous
 * marker group (or the line start) and it; when a group opens a line, the text after it instead.
 */
export function claimsCiting(text: string, k: number): string {
  const marker = `[${k}]`;
  const claims: string[] = [];
  for (const line of text.split('\n')) {
    const groups = [...line.matchAll(/(?:\[\d+\]\s*)+/g)];
    groups.forEach((group, i) => {
      if (!group[0].includes(marker)) return;
      const previousEnd = i > 0 ? groups[i - 1]!.index! + groups[i - 1]![0].length : 0;
      const end = group.index! + group[0].length;
      let claim = line.slice(previousEnd, group.index);
      if (!/[\p{L}\p{N}]/u.test(claim))
        claim = line.slice(end, groups[i + 1]?.index ?? line.length);
      claims.push(claim.replace(/^[\s.,;:!?)\]-]+/, '').trim());
    });
  }
  return claims.filter(Boolean).join(' ');
}

/** The verbatim text of one sentence of a chunk, without surrounding white space. */
export function sentenceText(chunk: Chunk, span: Span): string {
  return rawSentenceText(chunk, span).trim();
}

/**
 * The sentence of `chunk` that shares the most words with `claim`, extended by a neighbouring sentence
 * when that one adds at least two more of the claim's words; with no overlap at all, the chunk's first
 * sentence; the whole chunk when it has no sentence spans.
 */
export function bestSpans(chunk: Chunk, claim: string): Span[] {
  const sentences = chunk.sentences.filter((s) => sentenceText(chunk, s) !== '');
  if (sentences.length === 0) return [{ start: chunk.start, end: chunk.end }];
  const wanted = new Set(contentWords(claim));
  const covered = sentences.map(
    (s) => new Set(contentWords(sentenceText(chunk, s)).filter((w) => wanted.has(w))),
  );

  let best = 0;
  covered.forEach((words, i) => {
    if (words.size > covered[best]!.size) best = i;
  });
  const gain = (i: number): number =>
    i < 0 || i >= covered.length
      ? 0
      : [...covered[i]!].filter((w) => !covered[best]!.has(w)).length;
  const before = gain(best - 1);
  const after = gain(best + 1);
  if (Math.max(before, after) < 2) return [sentences[best]!];
  return after >= before
    ? [sentences[best]!, sentences[best + 1]!]
    : [sentences[best - 1]!, sentences[best]!];
}

/** The text `bestSpans` selects: a contiguous, trimmed slice of the chunk (so of the article body). */
export function bestQuote(chunk: Chunk, claim: string): string {
  const spans = bestSpans(chunk, claim);
  return chunk.text.slice(spans[0]!.start - chunk.start, spans.at(-1)!.end - chunk.start).trim();
}

/** Distinct stemmed topical words, the unit of overlap between a claim and a sentence. */
function contentWords(text: string): string[] {
  return [...new Set(contentStems(text))];
}
