/**
 * Country names, capitals, demonyms and common alternative spellings from the maintained
 * `world-countries` data set, so that "Beijing", "Chinese" and "China" — or "American", "US" and
 * "United States" — are recognized as naming the same place.
 */
import { createRequire } from 'node:module';
import { fold } from '../text.js';

interface CountryRecord {
  name: { common: string; official: string };
  capital?: string[];
  demonyms?: Record<string, { f: string; m: string }>;
  altSpellings?: string[];
}

let groups: Map<string, Set<string>> | undefined;

/** Folded single words and phrases naming one country, grouped: each form → its whole group. */
function load(): Map<string, Set<string>> {
  if (groups) return groups;
  groups = new Map();
  let countries: CountryRecord[];
  try {
    const require = createRequire(import.meta.url);
    countries = require('world-countries/countries.json') as CountryRecord[];
  } catch {
    return groups;
  }
  for (const c of countries) {
    const forms = new Set<string>();
    const addForm = (s: string | undefined): void => {
      const f = fold(s ?? '')
        .replace(/\./g, '')
        .replace(/\s+/g, ' ')
        .trim();
      // Two-letter codes ("IN", "US" lowercased) collide with English words; keep only known names.
      if (f.length >= 3 || f === 'us' || f === 'uk') forms.add(f);
    };
    addForm(c.name.common);
    addForm(c.name.official);
    for (const cap of c.capital ?? []) addForm(cap);
    const eng = c.demonyms?.eng;
    if (eng) {
      addForm(eng.m);
      addForm(eng.f);
    }
    for (const alt of c.altSpellings ?? [])
      if (/^[A-Z]{2,3}$/.test(alt) || alt.length > 3) addForm(alt);
    for (const f of forms) {
      const group = groups.get(f);
      if (group) for (const g of forms) group.add(g);
      else groups.set(f, new Set(forms));
    }
  }
  return groups;
}

/** Every form naming the same country as `name` (folded), or an empty set for other words. */
export function placeForms(name: string): ReadonlySet<string> {
  return load().get(fold(name).replace(/\./g, '').trim()) ?? EMPTY;
}

/** True when `name` is a country, capital or demonym in the gazetteer. */
export function isKnownPlace(name: string): boolean {
  return placeForms(name).size > 0;
}

const EMPTY: ReadonlySet<string> = new Set();
