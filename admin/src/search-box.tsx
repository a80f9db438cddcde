/**
 * Full-text search of a list (`q`, docs/query.md), offered when the list operation in /openapi.json
 * has a `q` parameter; it goes with the filters and sort. Typing searches after a short pause.
 */
import { useEffect, useState } from 'preact/hooks';
import { t } from './i18n.js';
import type { ResourceInfo } from './model.js';

export function SearchBox(props: { resource: ResourceInfo; value: string; onSearch: (q: string) => void }) {
  const [text, setText] = useState(props.value);
  useEffect(() => {
    if (text === props.value) return;
    const timer = setTimeout(() => props.onSearch(text), 300);
    return () => clearTimeout(timer);
  }, [text]);
  return (
    <form
      class="search"
      onSubmit={(e) => {
        e.preventDefault();
        props.onSearch(text);
      }}
    >
      <label for="search" class="visually-hidden">
        {t('searchRecords', { resource: props.resource.name })}
      </label>
      <input
        id="search"
        class="search-input"
        type="search"
        placeholder={t('search')}
        value={text}
        onInput={(e) => setText(e.currentTarget.value)}
      />
    </form>
  );
}
