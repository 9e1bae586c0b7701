/**
 * Page → article, as a reader sees it: Firefox's reader mode (`@mozilla/readability`) finds the
 * article text among navigation, sidebars, comments and ads; the page's own metadata
 * (metadata.ts) supplies title, outlet, author, dates and canonical URL. A page with no article
 * (a front page, a search page), or only a teaser behind a paywall, is refused with the reason.
 */
import { isProbablyReaderable, Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';
import type { Article } from '../rag/types.js';
import { IngestError } from './errors.js';
import { cleanText, normalizeDate, readMetadata, type PageDocument } from './metadata.js';

/** The DOM type Readability is declared over (the project has no DOM lib; linkedom provides one). */
type ReaderDocument = ConstructorParameters<typeof Readability>[0];

/**
 * An article ready to be written into the corpus: an Article without id and file (the corpus
 * file gives both). `url` is the canonical URL when the page names one; `body` is paragraphs
 * separated by blank lines.
 */
export type ExtractedArticle = Omit<Article, 'id' | 'file'> & { lang?: string };

/** Below this many characters of text a page holds no article worth indexing. */
export const MIN_ARTICLE_CHARS = 200;
/** A page marked paywalled with less text than this shows only a teaser. */
const PAYWALL_TEASER_CHARS = 1_500;
/** Reader-mode output that is mostly link text is a list of links, not an article. */
const MAX_LINK_SHARE = 0.5;

const PAYWALL_TEXT =
  /subscribe (now )?to (continue|keep) reading|to continue reading,? (please )?(subscribe|log ?in|sign ?in)|this (article|content) is (only )?(available|reserved) (to|for) subscribers|already a subscriber\?|subscribers only/i;

const BLOCK = new Set(
  'address article aside blockquote dd div dl dt footer h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section table tbody td th thead tr ul'.split(
    ' ',
  ),
);
/** Not body text for a reader: media, captions, forms, scripts. */
const SKIP = new Set(
  'button figcaption figure form iframe img noscript object picture script select style svg template textarea video audio'.split(
    ' ',
  ),
);

interface DomNode {
  nodeType: number;
  nodeName: string;
  textContent: string | null;
  childNodes: ArrayLike<DomNode>;
}

/** The visible text of reader-mode HTML as paragraphs (one per block element), blank-line separated. */
export function blocksOf(html: string): string[] {
  const { document } = parseHTML(`<!doctype html><html><body>${html}</body></html>`);
  const blocks: string[] = [];
  let current = '';
  let linked = 0;
  const flush = (): void => {
    const text = cleanText(current);
    if (text && !isNoiseBlock(text, linked / text.length)) blocks.push(text);
    current = '';
    linked = 0;
  };
  const walk = (node: DomNode, inLink: boolean): void => {
    if (node.nodeType === 3) {
      current += node.textContent ?? '';
      if (inLink) linked += (node.textContent ?? '').trim().length;
      return;
    }
    if (node.nodeType !== 1) return;
    const tag = node.nodeName.toLowerCase();
    if (SKIP.has(tag)) return;
    if (tag === 'br') {
      flush();
      return;
    }
    const block = BLOCK.has(tag);
    if (block) flush();
    for (const child of Array.from(node.childNodes)) walk(child, inLink || tag === 'a');
    if (block) flush();
  };
  walk(document.body as unknown as DomNode, false);
  flush();
  // Wire credits close many articles ("Reporting by …; Editing by …"): metadata, not text.
  while (blocks.length > 0 && CREDITS.test(blocks.at(-1)!)) blocks.pop();
  return blocks;
}

/** Short lines inside an article's markup that are not its text. */
const NOISE_LINE =
  /^(advertisement|advertising|sponsored( content)?|ad|story continues below( advertisement)?|scroll to continue|skip advert)$|^(read more|read also|also read|see also|related|more on this|recommended|watch|listen|click here)\b\s*[:›»-]/i;
const CREDITS =
  /^(\(?(reporting|additional reporting|writing|editing|edited|compiled) by\b[^.]{0,200}\)?\.?)$/i;

/** A block to leave out: a known noise line, or a short line that is mostly a link ("Read more"). */
function isNoiseBlock(text: string, linkShare: number): boolean {
  if (text.length <= 160 && NOISE_LINE.test(text)) return true;
  return text.length <= 200 && linkShare >= 0.6;
}

/** Class or id names of page furniture that sits inside article markup (whole names only). */
const FURNITURE =
  /^(newsletter[\w-]*|ad|ads|ad-slot|ad-container|advert[\w-]*|advertisement|promo[\w-]*|sponsored|twitter-tweet|instagram-media|tiktok-embed|embedded-post|social-embed|share|sharing|share-bar|share-buttons|social-share|read-more|readmore|related|related-[\w-]+|recirc[\w-]*|more-stories|inline-signup|signup[\w-]*)$/i;

/**
 * Removes page furniture that reader mode keeps when it sits inside the article's own markup
 * (newsletter boxes, ad slots, embedded posts, "related" boxes). An element holding the headline
 * or most of the page's text is never removed, whatever it is called.
 */
function removeFurniture(doc: ReturnType<typeof parseDocument>): void {
  const total = doc.body?.textContent?.length ?? 0;
  for (const el of Array.from(doc.querySelectorAll('[class], [id]')) as Array<{
    getAttribute(name: string): string | null;
    querySelector(selector: string): unknown;
    textContent: string | null;
    remove(): void;
  }>) {
    const names = `${el.getAttribute('class') ?? ''} ${el.getAttribute('id') ?? ''}`.split(/\s+/);
    if (!names.some((n) => FURNITURE.test(n))) continue;
    if (el.querySelector('h1') || (el.textContent?.length ?? 0) > total / 2) continue;
    el.remove();
  }
}

function parseDocument(html: string) {
  // linkedom expects a whole document; a fragment or a page missing <html> is wrapped first.
  const whole = /<html[\s>]/i.test(html)
    ? html
    : `<!doctype html><html><body>${html}</body></html>`;
  return parseHTML(whole).document;
}

function linkShare(html: string, textLength: number): number {
  const { document } = parseHTML(`<!doctype html><html><body>${html}</body></html>`);
  let linked = 0;
  for (const a of Array.from(document.querySelectorAll('a')) as Array<{
    textContent: string | null;
  }>)
    linked += cleanText(a.textContent)?.length ?? 0;
  return textLength > 0 ? linked / textLength : 1;
}

function sameText(a: string, b: string): boolean {
  const norm = (s: string) =>
    s
      .toLowerCase()
      .replace(/[^\p{L}\p{N}]+/gu, ' ')
      .trim();
  return norm(a) === norm(b);
}

const BYLINE = /^(by|von|par|por|di|door|av|af)\s+\S/i;
const DATELINE = /^(published|updated|posted|last updated)\b/i;

/** A short line above an article's text that is not part of it: headline, byline, dateline. */
function isHeaderLine(block: string, title: string, byline: string | null | undefined): boolean {
  if (sameText(block, title) || (byline && sameText(block, byline))) return true;
  if (block.length > 80 || /[.!?]["”’]?$/.test(block)) return false;
  return (
    BYLINE.test(block) ||
    DATELINE.test(block) ||
    (block.length <= 40 && normalizeDate(block) !== undefined)
  );
}

function hostOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url).hostname.replace(/^www\./, '');
  } catch {
    return undefined;
  }
}

/**
 * Extracts the article from a page's HTML. `pageUrl` is where it came from (for relative links
 * and as the URL when the page names no canonical one). Throws `IngestError` when there is none.
 */
export function extractArticle(html: string, pageUrl?: string): ExtractedArticle {
  const metaDoc = parseDocument(html);
  const meta = readMetadata(metaDoc as unknown as PageDocument, pageUrl);
  const paywallSignal =
    meta.paywalled ||
    PAYWALL_TEXT.test(metaDoc.body?.textContent ?? '') ||
    metaDoc.querySelector('[class*="paywall"], [id*="paywall"]') !== null;

  // Readability rewrites the document it reads, so it gets its own copy.
  const readerDoc = parseDocument(html);
  removeFurniture(readerDoc);
  const readerable = isProbablyReaderable(readerDoc as unknown as ReaderDocument);
  const reader = new Readability(readerDoc as unknown as ReaderDocument, {
    charThreshold: MIN_ARTICLE_CHARS,
  }).parse();

  let blocks = reader?.content ? blocksOf(reader.content) : [];
  const title = meta.title ?? cleanText(reader?.title) ?? 'Untitled';
  // Reader mode often keeps the headline, a byline or a dateline at the top of the text.
  while (blocks.length > 0 && isHeaderLine(blocks[0]!, title, reader?.byline))
    blocks = blocks.slice(1);
  let body = blocks.join('\n\n');
  if (
    body.length < MIN_ARTICLE_CHARS &&
    meta.articleBody &&
    meta.articleBody.length >= MIN_ARTICLE_CHARS &&
    !meta.paywalled
  ) {
    body = meta.articleBody
      .split(/\n\s*\n|\n/)
      .map((p) => cleanText(p))
      .filter(Boolean)
      .join('\n\n');
  }
  if (paywallSignal && body.length < PAYWALL_TEASER_CHARS)
    throw new IngestError(
      'the article is behind a paywall (the page shows only its opening)',
      pageUrl,
    );
  if (body.length < MIN_ARTICLE_CHARS)
    throw new IngestError('the page has no article text', pageUrl);
  if (
    !readerable &&
    !meta.declaresArticle &&
    reader?.content &&
    linkShare(reader.content, body.length) > MAX_LINK_SHARE
  )
    throw new IngestError('the page has no article text (it is mostly links)', pageUrl);

  return {
    title,
    source: meta.source ?? cleanText(reader?.siteName) ?? hostOf(meta.canonicalUrl ?? pageUrl),
    url: meta.canonicalUrl ?? pageUrl,
    publishedAt: meta.publishedAt ?? normalizeDate(reader?.publishedTime),
    updatedAt: meta.updatedAt,
    author: meta.author ?? cleanText(reader?.byline?.replace(/^by\s+/i, '')),
    body,
    lang: meta.lang ?? cleanText(reader?.lang),
  };
}
