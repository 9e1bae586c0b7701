/**
 * Counting words for people: "1 article", "2 articles", "1,024 chunks". One place, so every
 * message (CLI, Discord) agrees.
 */

/** `count` and `noun`, the noun in its plural form (default: noun + "s") unless count is 1. */
export function plural(count: number, noun: string, pluralNoun = `${noun}s`): string {
  return `${count.toLocaleString('en-US')} ${count === 1 ? noun : pluralNoun}`;
}
