/**
 * `?q=` (docs/search.md): the words of a full-text search, and `sort=relevance`. User text is only
 * ever words: runs of letters and digits (after NFC normalisation), each a prefix when a `*` follows
 * it. Everything else — quotes, parentheses, `-`, `:`, operators — separates words, and operator
 * names (AND, OR, NOT, NEAR) are words like any other: the stores quote every word they are given.
 */
import type { Problem } from '../../errors/api-error.js';
import type { ResourceDef } from '../../model/model-types.js';
import { searchFieldsOf } from '../../model/search-config.js';
import { type Filter, RELEVANCE, type SearchTerm } from '../../store/query-types.js';
import { bad } from './filter-parser.js';

/** Most words one search may have (each is one more index lookup). */
export const MAX_SEARCH_WORDS = 16;
/** Longest word kept (longer runs are no word any index holds whole). */
const MAX_WORD_LENGTH = 100;
const WORD = /[\p{L}\p{N}]+\*?/gu;

/** The words of a search text, or none. */
export function searchTerms(text: string): SearchTerm[] {
  const terms: SearchTerm[] = [];
  for (const [match] of text.normalize('NFC').matchAll(WORD)) {
    const prefix = match.endsWith('*');
    const word = (prefix ? match.slice(0, -1) : match).slice(0, MAX_WORD_LENGTH);
    if (!terms.some((t) => t.word === word && t.prefix === prefix)) terms.push({ word, prefix });
  }
  return terms;
}

/** The `search` filter of `?q=`, or a problem naming `q`: no searchable field, no word, too many words. */
export function parseSearch(r: ResourceDef, raw: string, problems: Problem[]): Filter | undefined {
  if (!searchFieldsOf(r).length) {
    problems.push(bad('q', `${r.name} has no searchable fields (a text field declared search: true)`));
    return undefined;
  }
  const terms = searchTerms(raw);
  if (!terms.length) {
    problems.push(bad('q', 'must contain at least one word (letters or digits)'));
    return undefined;
  }
  if (terms.length > MAX_SEARCH_WORDS) {
    problems.push(bad('q', `may contain at most ${MAX_SEARCH_WORDS} words`));
    return undefined;
  }
  return { field: '', op: 'search', value: terms };
}

/**
 * Whether a sort key names the relevance: `relevance` on a resource with searchable fields (a field
 * of that name comes first), or the name a cursor carries.
 */
export function isRelevance(r: ResourceDef, name: string): boolean {
  if (!searchFieldsOf(r).length) return false;
  return name === RELEVANCE || (name === 'relevance' && !r.allFields.has(name));
}
