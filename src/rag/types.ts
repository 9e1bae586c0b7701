/**
 * The data that flows through the pipeline:
 * Article → Chunk → (embedding, lexical postings) → Passage → Answer with Citations.
 */

/** One article of the story, as loaded from `corpus/`. */
export interface Article {
  /** Stable id: the file name without extension, or the JSON `id`, or a hash of url/title. */
  id: string;
  title: string;
  source?: string;
  url?: string;
  publishedAt?: string;
  /** When the outlet last changed the article (front matter `updated_at`). */
  updatedAt?: string;
  author?: string;
  /** The article text; every quote is a slice of it. */
  body: string;
  /** Corpus-relative path of the file the article came from. */
  file: string;
}

/** A span of an article body, in UTF-16 code units (JavaScript string offsets). */
export interface Span {
  start: number;
  end: number;
}

/** A piece of an article made of whole sentences. */
export interface Chunk {
  /** `${articleId}#${ordinal}`. */
  id: string;
  articleId: string;
  /** Position of the chunk within its article, from 0. */
  ordinal: number;
  title: string;
  /** `article.body.slice(start, end)`. */
  text: string;
  start: number;
  end: number;
  /** Offsets of each sentence inside the article body (not inside the chunk). */
  sentences: Span[];
}

/** A retrieved chunk, numbered for citation. */
export interface Passage {
  /** 1-based number used in `[n]` markers. */
  n: number;
  chunk: Chunk;
  article: ArticleMeta;
  /** Fused retrieval score (higher is better). */
  score: number;
}

/** Article fields without the body, for listings and citations. */
export type ArticleMeta = Omit<Article, 'body'> & {
  chunks: number;
  chars: number;
  /** When a re-index found the article's text changed (ISO time), if it ever did. */
  revisedAt?: string;
};

/** A citation as data: which passage and which verbatim sentence(s) back a claim. */
export interface Citation {
  n: number;
  chunkId: string;
  articleId: string;
  title: string;
  /** Verbatim text of the article. */
  quote: string;
  url?: string;
  source?: string;
  publishedAt?: string;
}

/** A previous question and answer, used to resolve follow-ups. */
export interface Turn {
  question: string;
  answer: string;
}

export interface Answer {
  question: string;
  /** Plain text with `[n]` markers; leads with the short answer when there is one. */
  answer: string;
  /**
   * The short span that answers a question asking for a thing (a name, date, number, phrase,
   * or Yes/No), quoted from the cited sentence; null for open questions and refusals.
   */
  short?: string | null;
  refused: boolean;
  citations: Citation[];
  /** Which answerer produced the text (`extractive` or `openai`). */
  answerer: string;
  /** A note for the reader, e.g. that the generator failed and the extractive answer is shown. */
  note?: string;
}

export type SummaryLength = 'short' | 'medium' | 'long';

export interface Summary {
  summary: string;
  citations: Citation[];
  answerer: string;
  note?: string;
}

/** What `manifest.json` records about an index. */
export interface Manifest {
  formatVersion: number;
  embedder: { id: string; dimensions: number };
  chunkSize: number;
  chunks: number;
  articles: number;
  /** sha256 over the sorted article ids and bodies. */
  corpusFingerprint: string;
  builtAt: string;
  buildMs: number;
}
