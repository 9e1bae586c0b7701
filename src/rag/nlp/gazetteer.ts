/**
 * Country names, capitals, demonyms and common alternative spellings from the maintained
 * `world-countries` data set, so that "Beijing", "Chinese" and "China" — or "American", "US" and
 * "United States" — are recognized as naming the same place.
 */
import { createRequire } from 'node:module';
import { fold } from '../text.js';
import { cachedTable } from './cache.js';

interface CountryRecord {
  name: { common: string; official: string };
  capital?: string[];
  demonyms?: Record<string, { f: string; m: string }>;
  altSpellings?: string[];
}

let groups: Map<string, Set<string>> | undefined;
/** Capital city (folded) → the forms of its country's name; a capital is not its country. */
const capitals = new Map<string, Set<string>>();

/** One country as the gazetteer keeps it: the folded forms of its name, and its capitals. */
interface Country {
  forms: string[];
  capitals: string[];
}

/**
 * The package's records: its unescaped copy when present (the same data at under half the bytes),
 * else the main file.
 */
function readCountries(require: NodeJS.Require): CountryRecord[] {
  try {
    return require('world-countries/dist/countries-unescaped.json') as CountryRecord[];
  } catch {
    return require('world-countries/countries.json') as CountryRecord[];
  }
}

/** Each country's folded name forms (names, demonyms, short forms) and capitals. */
function countriesOf(records: readonly CountryRecord[]): Country[] {
  return records.map((c) => {
    const forms = new Set<string>();
    const addForm = (s: string | undefined): void => {
      const f = placeKey(s ?? '');
      // Two-letter codes ("IN", "US" lowercased) collide with English words; keep only known names.
      if (f.length >= 3 || f === 'us' || f === 'uk') forms.add(f);
    };
    addForm(c.name.common);
    addForm(c.name.official);
    const eng = c.demonyms?.eng;
    if (eng) {
      addForm(eng.m);
      addForm(eng.f);
    }
    for (const alt of c.altSpellings ?? [])
      if (/^[A-Z]{2,3}$/.test(alt) || alt.length > 3) addForm(alt);
    const caps = (c.capital ?? []).map(placeKey).filter((f) => f.length >= 3 && !forms.has(f));
    return { forms: [...forms], capitals: caps };
  });
}

/**
 * The countries, from the cache folder's small derived file when it is there (the package's
 * 0.6 MB of JSON took ~18 ms of a CLI answer to read and fold), else from the package.
 */
function readGazetteer(): Country[] {
  const require = createRequire(import.meta.url);
  let version: string;
  try {
    version = (require('world-countries/package.json') as { version: string }).version;
  } catch {
    return [];
  }
  const text = cachedTable(
    `gazetteer-world-countries-${version}.json`,
    () => JSON.stringify(countriesOf(readCountries(require))),
    (t) => t.startsWith('[') && t.endsWith(']'),
  );
  try {
    return JSON.parse(text) as Country[];
  } catch {
    return countriesOf(readCountries(require));
  }
}

/** Folded single words and phrases naming one country, grouped: each form → its whole group. */
function load(): Map<string, Set<string>> {
  if (groups) return groups;
  groups = new Map();
  let countries: Country[];
  try {
    countries = readGazetteer();
  } catch {
    return groups;
  }
  for (const c of countries) {
    const forms = new Set(c.forms);
    for (const f of forms) {
      const group = groups.get(f);
      if (group) for (const g of forms) group.add(g);
      else groups.set(f, new Set(forms));
    }
    for (const cap of c.capitals) capitals.set(cap, forms);
  }
  return groups;
}

/**
 * How closely two place words name the same thing: 1 for forms of one country's name ("China",
 * "Chinese"), 0.6 for a capital and its country ("Beijing", "China": news uses one for the
 * other's government, but a visit to the city is not one to the country), else 0.
 */
export function placeRelation(a: string, b: string): number {
  const fa = placeKey(a);
  const fb = placeKey(b);
  if (load().get(fa)?.has(fb)) return 1;
  if (capitals.get(fa)?.has(fb) || capitals.get(fb)?.has(fa)) return 0.6;
  return 0;
}

/** Every form naming the same country as `name` (folded), or an empty set for other words. */
export function placeForms(name: string): ReadonlySet<string> {
  return load().get(placeKey(name)) ?? EMPTY;
}

/** True when `name` is a country, capital or demonym in the gazetteer. */
export function isKnownPlace(name: string): boolean {
  return placeForms(name).size > 0 || capitals.has(placeKey(name));
}

const EMPTY: ReadonlySet<string> = new Set();

/** How a place name is looked up: folded, without dots ("U.S." → "us"), spaces collapsed. */
function placeKey(name: string): string {
  return fold(name).replace(/\./g, '').replace(/\s+/g, ' ').trim();
}
