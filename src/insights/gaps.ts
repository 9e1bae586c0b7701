/**
 * Knowledge gaps: refused questions grouped by what they ask about, so "when does the ferry
 * resume?" and "When will ferries run again" count as one gap. Each question becomes the set of
 * its content-word stems; a question joins the first group whose representative shares enough of
 * its stems (Jaccard similarity), else it starts a group. Greedy, linear in groups per question,
 * and plenty for the couple of thousand questions /insights looks at.
 */
import { contentStems } from '../rag/text.js';

/** One gap: how often it was asked and the wording asked most. */
export interface KnowledgeGap {
  question: string;
  count: number;
}

/** Share of stems two questions must have in common to count as the same gap. */
export const GAP_SIMILARITY = 0.5;

function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  let shared = 0;
  for (const x of a) if (b.has(x)) shared += 1;
  const union = a.size + b.size - shared;
  return union === 0 ? 0 : shared / union;
}

interface Group {
  stems: Set<string>;
  wordings: Map<string, number>;
  count: number;
}

/** The `limit` largest groups of similar questions, largest first (ties: first asked first). */
export function groupKnowledgeGaps(questions: readonly string[], limit = 5): KnowledgeGap[] {
  const groups: Group[] = [];
  for (const raw of questions) {
    const question = raw.replace(/\s+/g, ' ').trim();
    if (!question) continue;
    const stems = new Set(contentStems(question));
    const key = stems.size > 0 ? undefined : question.toLowerCase();
    const group = groups.find((g) =>
      key ? g.wordings.has(question) : jaccard(g.stems, stems) >= GAP_SIMILARITY,
    );
    if (group) {
      group.count += 1;
      group.wordings.set(question, (group.wordings.get(question) ?? 0) + 1);
    } else {
      groups.push({ stems, wordings: new Map([[question, 1]]), count: 1 });
    }
  }
  return groups
    .map((g, order) => ({ g, order }))
    .sort((x, y) => y.g.count - x.g.count || x.order - y.order)
    .slice(0, limit)
    .map(({ g }) => ({
      question: [...g.wordings.entries()].sort((a, b) => b[1] - a[1])[0]![0],
      count: g.count,
    }));
}
