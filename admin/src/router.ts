/** Hash routes: `#/customers`, `#/customers/new`, `#/customers/7`, with `?field=value` filters on lists. */
import { useEffect, useState } from 'preact/hooks';

export interface Route {
  resource?: string;
  /** `new`, or a record id. */
  record?: string;
  query: URLSearchParams;
}

export function parseHash(hash: string): Route {
  const [path, query = ''] = hash.replace(/^#/, '').split('?');
  const [resource, record] = path.split('/').filter(Boolean).map(decodeURIComponent);
  return { resource, record, query: new URLSearchParams(query) };
}

export function useRoute(): Route {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const on = () => setHash(location.hash);
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return parseHash(hash);
}

export const href = (resource: string, record?: string | number, query?: Record<string, string>) =>
  `#/${encodeURIComponent(resource)}${record === undefined ? '' : `/${encodeURIComponent(String(record))}`}${
    query ? `?${new URLSearchParams(query)}` : ''
  }`;

export const go = (url: string) => {
  location.hash = url.replace(/^#/, '');
};
