/**
 * What a page says about itself: title, outlet, author, publication and update times, canonical
 * URL. Read in order of trust: JSON-LD (`NewsArticle` and its kin), then OpenGraph / `article:*`
 * and other meta tags, then `<time>` elements and the visible headline, then the `<title>`.
 */
import { chrono } from '../rag/chrono.js';

/** The DOM subset we read (linkedom's document satisfies it). */
export interface PageDocument {
  querySelectorAll(selector: string): ArrayLike<PageElement>;
  querySelector(selector: string): PageElement | null;
  title?: string;
}

export interface PageElement {
  getAttribute(name: string): string | null;
  textContent: string | null;
}

export interface PageMetadata {
  title?: string;
  source?: string;
  author?: string;
  publishedAt?: string;
  updatedAt?: string;
  canonicalUrl?: string;
  /** JSON-LD `articleBody`, a fallback when reader mode finds no text. */
  articleBody?: string;
  /** The page marks its article as not free to read (`isAccessibleForFree: false`). */
  paywalled: boolean;
  /** The page declares an article (JSON-LD article type or `og:type` article). */
  declaresArticle: boolean;
  lang?: string;
}

const ARTICLE_TYPES =
  /^(NewsArticle|Article|ReportageNews|AnalysisNewsArticle|BackgroundNewsArticle|OpinionNewsArticle|ReviewNewsArticle|BlogPosting|LiveBlogPosting|SocialMediaPosting|TechArticle|ScholarlyArticle|Report)$/;

type Json = Record<string, unknown>;

function asArray<T>(value: T | T[] | undefined | null): T[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/** Collapses whitespace; empty becomes undefined. */
export function cleanText(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const text = value
    .replace(/&nbsp;/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return text === '' ? undefined : text;
}

/** Every JSON-LD object on the page, `@graph` and nested arrays flattened. */
function jsonLdObjects(doc: PageDocument): Json[] {
  const out: Json[] = [];
  // Articles also hide inside other objects (a WebPage's mainEntity, an ItemList's items):
  // every nested object is visited, parents before children, a few levels deep.
  const visit = (value: unknown, depth = 0): void => {
    if (depth > 6) return;
    if (Array.isArray(value)) value.forEach((v) => visit(v, depth + 1));
    else if (value && typeof value === 'object') {
      out.push(value as Json);
      for (const child of Object.values(value))
        if (child && typeof child === 'object') visit(child, depth + 1);
    }
  };
  for (const script of Array.from(doc.querySelectorAll('script[type="application/ld+json"]'))) {
    try {
      // Sites often leave raw control characters inside strings; JSON.parse refuses them.
      visit(JSON.parse((script.textContent ?? '').replace(/[\u0000-\u001f]+/g, ' ')));
    } catch {
      // A broken block is skipped; the page's other metadata still counts.
    }
  }
  return out;
}

function isArticle(o: Json): boolean {
  return asArray(o['@type'] as string | string[]).some(
    (t) => typeof t === 'string' && ARTICLE_TYPES.test(t),
  );
}

function nameOf(value: unknown): string | undefined {
  const names = asArray(value as unknown)
    .map((v) =>
      typeof v === 'string' ? v : v && typeof v === 'object' ? (v as Json).name : undefined,
    )
    .map((v) => cleanText(v)?.replace(/^by\s+/i, ''))
    .filter((v): v is string => v !== undefined && v !== '' && !/^https?:\/\//.test(v));
  return names.length > 0 ? [...new Set(names)].join(', ') : undefined;
}

/** Meta tag contents by lower-cased property, name or itemprop (sites vary the case: "Date"). */
type MetaTags = Map<string, string>;

function metaTags(doc: PageDocument): MetaTags {
  const tags: MetaTags = new Map();
  for (const el of Array.from(doc.querySelectorAll('meta'))) {
    const content = cleanText(el.getAttribute('content'));
    if (!content) continue;
    for (const attr of ['property', 'name', 'itemprop']) {
      const key = el.getAttribute(attr)?.trim().toLowerCase();
      if (key && !tags.has(key)) tags.set(key, content);
    }
  }
  return tags;
}

function meta(tags: MetaTags, ...keys: string[]): string | undefined {
  for (const key of keys) {
    const value = tags.get(key);
    if (value) return value;
  }
  return undefined;
}

/**
 * Normalizes a date as the page wrote it: ISO strings are kept as written (their local calendar
 * day is the one the reader saw); anything else is parsed and kept to the day.
 */
export function normalizeDate(value: unknown): string | undefined {
  const text = cleanText(value);
  if (!text) return undefined;
  if (
    /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(text) &&
    !Number.isNaN(Date.parse(text.replace(' ', 'T')))
  )
    return text.replace(' ', 'T');
  const parsed = chrono().parse(text, undefined, { forwardDate: false })[0];
  if (!parsed || !parsed.start.isCertain('day') || !parsed.start.isCertain('month'))
    return undefined;
  const { year, month, day } = {
    year: parsed.start.get('year')!,
    month: parsed.start.get('month')!,
    day: parsed.start.get('day')!,
  };
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** The first `<time>` that looks like the article's date (a pubdate marker first, then any). */
function timeElementDate(doc: PageDocument): string | undefined {
  const selectors = [
    'time[itemprop="datePublished"]',
    'time[pubdate]',
    'article time[datetime]',
    'time[datetime]',
  ];
  for (const selector of selectors) {
    const el = doc.querySelector(selector);
    const value = normalizeDate(el?.getAttribute('datetime')) ?? normalizeDate(el?.textContent);
    if (value) return value;
  }
  return undefined;
}

/** A date news sites put in their article paths: `/2025/03/11/…` or `/2025-03-11-…`. */
function dateInUrl(url: string | undefined): string | undefined {
  const m = url && /\/(20\d{2})[/-](0[1-9]|1[0-2])[/-](0[1-9]|[12]\d|3[01])(?=[/-])/.exec(url);
  return m ? `${m[1]}-${m[2]}-${m[3]}` : undefined;
}

/** Removes a site name appended to a `<title>` ("Headline | Outlet", "Headline - Outlet"). */
export function stripSiteSuffix(title: string, site?: string): string {
  const parts = title.split(/\s+(?:[|–—·»•-]|::)\s+/);
  if (parts.length < 2) return title;
  if (site && parts.at(-1)!.toLowerCase() === site.toLowerCase())
    return parts.slice(0, -1).join(' - ');
  // Without a known site name, drop a short last part (outlets are short; headlines are not).
  return parts.at(-1)!.length <= 30 && parts.slice(0, -1).join(' ').length >= 20
    ? parts.slice(0, -1).join(' - ')
    : title;
}

const TRACKING_PARAM = /^(utm_\w+|fbclid|gclid|mc_cid|mc_eid|ocid|cmpid|smid)$/i;

/** Removes campaign-tracking query parameters (they name the visit, not the page). */
export function dropTracking(url: URL): URL {
  for (const key of [...url.searchParams.keys()])
    if (TRACKING_PARAM.test(key)) url.searchParams.delete(key);
  return url;
}

function absolute(href: string | undefined, base: string | undefined): string | undefined {
  if (!href) return undefined;
  try {
    const url = base ? new URL(href, base) : new URL(href);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
    url.hash = '';
    return dropTracking(url).href;
  } catch {
    return undefined;
  }
}

/** Reads the page's own metadata. `pageUrl` resolves relative canonical links. */
export function readMetadata(doc: PageDocument, pageUrl?: string): PageMetadata {
  const objects = jsonLdObjects(doc);
  const tags = metaTags(doc);
  const ld = objects.find(isArticle) ?? {};
  const publisher = (ld.publisher ??
    objects.find((o) => asArray(o['@type'] as string).includes('Organization'))) as unknown;
  const site = meta(tags, 'og:site_name', 'application-name') ?? nameOf(publisher);
  const h1 = cleanText(doc.querySelector('h1')?.textContent);
  const docTitle = cleanText(doc.querySelector('title')?.textContent);
  const title =
    cleanText(ld.headline) ??
    cleanText(ld.name) ??
    (meta(tags, 'og:title', 'twitter:title') &&
      stripSiteSuffix(meta(tags, 'og:title', 'twitter:title')!, site)) ??
    h1 ??
    (docTitle && stripSiteSuffix(docTitle, site));
  const canonical =
    absolute(
      doc.querySelector('link[rel="canonical"]')?.getAttribute('href') ?? undefined,
      pageUrl,
    ) ??
    absolute(meta(tags, 'og:url'), pageUrl) ??
    absolute(typeof ld.url === 'string' ? ld.url : undefined, pageUrl);
  const free = ld.isAccessibleForFree;
  const ogType = meta(tags, 'og:type');
  return {
    title,
    source: site,
    author:
      nameOf(ld.author) ??
      nameOf(meta(tags, 'author', 'article:author', 'parsely-author', 'dc.creator')),
    publishedAt:
      normalizeDate(ld.datePublished) ??
      normalizeDate(
        meta(
          tags,
          'article:published_time',
          'datepublished',
          'og:published_time',
          'pubdate',
          'publishdate',
          'publish-date',
          'date',
          'dc.date',
          'dcterms.created',
          'parsely-pub-date',
          'sailthru.date',
        ),
      ) ??
      timeElementDate(doc) ??
      normalizeDate(ld.dateCreated) ??
      dateInUrl(canonical ?? pageUrl),
    updatedAt:
      normalizeDate(ld.dateModified) ??
      normalizeDate(
        meta(
          tags,
          'article:modified_time',
          'og:updated_time',
          'datemodified',
          'last-modified',
          'dcterms.modified',
        ),
      ),
    canonicalUrl: canonical,
    articleBody:
      typeof ld.articleBody === 'string' ? ld.articleBody.trim() || undefined : undefined,
    paywalled: free === false || free === 'False' || free === 'false',
    declaresArticle: isArticle(ld) || /article/i.test(ogType ?? ''),
    lang: cleanText(doc.querySelector('html')?.getAttribute('lang')),
  };
}
