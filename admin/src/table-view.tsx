/**
 * One resource's records: sort by a header, filters and search, keyset paging through the `Link`
 * header (docs/query.md) into a virtualised table (only the rows in view are in the DOM), total on
 * demand, live changes (docs/realtime.md), export and import (docs/bulk.md).
 */
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import { type ApiFailure, nextLink, request } from './api.js';
import { Banner } from './banner.js';
import { ExportButtons, ImportButton } from './bulk-panel.js';
import { loadColumns, saveColumns } from './columns.js';
import { type Filter, FilterBuilder, filterParams } from './filter-builder.js';
import type { Row } from './format.js';
import { GroupsPanel } from './groups-panel.js';
import { t } from './i18n.js';
import { orderOf } from './live-order.js';
import { useLiveTable } from './live-table.js';
import type { Action, AppModel, ResourceInfo } from './model.js';
import { go, href } from './router.js';
import { SearchBox } from './search-box.js';
import { Cell, CountCell } from './table-cells.js';

const ROW = 40;
const PAGE = 500;
const OVERSCAN = 8;

interface Props {
  model: AppModel;
  resource: ResourceInfo;
  initial: URLSearchParams;
  may: (a: Action) => boolean;
  mayImport: boolean;
  /** Whether the caller may read another resource (to embed the records references name). */
  mayRead: (resource: string) => boolean;
}

function filtersFrom(query: URLSearchParams): Filter[] {
  const out: Filter[] = [];
  query.forEach((value, key) => {
    const m = /^([A-Za-z][A-Za-z0-9_]*)(?:\[(\w+)\])?$/.exec(key);
    if (m && key !== 'sort' && key !== 'q') out.push({ field: m[1], op: m[2] ?? 'eq', value });
  });
  return out;
}

export function TableView({ model, resource, initial, may, mayImport, mayRead }: Props) {
  const [sort, setSort] = useState(initial.get('sort') ?? '');
  const [q, setQ] = useState(resource.search ? (initial.get('q') ?? '') : '');
  const [filters, setFilters] = useState<Filter[]>(() => filtersFrom(initial));
  const [columns, setColumns] = useState(() => loadColumns(resource));
  const [rows, setRows] = useState<Row[]>([]);
  const [next, setNext] = useState<string | undefined>();
  const [done, setDone] = useState(false);
  const [loading, setLoading] = useState(false);
  const [failure, setFailure] = useState<ApiFailure | null>(null);
  const [total, setTotal] = useState<number | undefined>();
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(600);
  const [active, setActive] = useState(0);
  const scroller = useRef<HTMLDivElement>(null);
  const focusWanted = useRef(false);
  const generation = useRef(0);
  const shift = useRef(0);
  const [restarts, setRestarts] = useState(0);
  // Whether the first page of this query has come: the change stream starts then, as the server
  // reads every matching row when a stream opens, which would delay the first page (docs/admin.md).
  const [listed, setListed] = useState(false);

  const byName = useMemo(() => new Map(resource.fields.map((f) => [f.name, f])), [resource]);
  const shown = columns.filter((c) => byName.has(c));
  const toMany = resource.relations.filter((r) => r.kind === 'to-many' && model.byName.has(r.resource));
  // To-many relations the caller may read come embedded as ids only (`orders(id)`): their counts.
  const counted = toMany.filter((r) => mayRead(r.resource));
  // To-one relations come embedded (one extra query per page, docs/query.md) so a reference shows its record's label.
  const toOne = resource.relations.filter(
    (r) => r.kind === 'to-one' && model.byName.get(r.resource)?.labelField && mayRead(r.resource),
  );
  const embeds = [...toOne.map((r) => r.name), ...counted.map((r) => `${r.name}(id)`)];
  const embed: [string, string][] = embeds.length ? [['embed', embeds.join(',')]] : [];

  // A search without a chosen order lists the best matches first (docs/search.md).
  const order = sort || (q.trim() && resource.relevance ? '-relevance' : '');
  const listUrl = (extra: [string, string][] = []) => {
    const query = new URLSearchParams([...filterParams(filters), ...extra]);
    if (q.trim()) query.set('q', q.trim());
    if (order) query.set('sort', order);
    return `${resource.path}?${query}`;
  };

  const load = async (url: string, replace: boolean) => {
    const gen = generation.current;
    setLoading(true);
    try {
      const r = await request<Row[]>('GET', url);
      if (gen !== generation.current) return;
      const following = nextLink(r.headers.get('link'), new URL(url, location.href).href);
      setRows((old) => {
        if (replace) return r.body;
        // A row the live stream already put in place is not shown twice.
        const seen = new Set(old.map((x) => String(x.id)));
        return [...old, ...r.body.filter((x) => !seen.has(String(x.id)))];
      });
      setNext(following);
      setDone(!following);
      if (replace) setListed(true);
      setFailure(null);
    } catch (e) {
      if (gen === generation.current) setFailure(e as ApiFailure);
    } finally {
      if (gen === generation.current) setLoading(false);
    }
  };

  // A new sort or filter starts over from the first page.
  useEffect(() => {
    generation.current++;
    setRows([]);
    setListed(false);
    setNext(undefined);
    setDone(false);
    setTotal(undefined);
    setActive(0);
    if (scroller.current) scroller.current.scrollTop = 0;
    setScrollTop(0);
    load(listUrl([['limit', String(PAGE)], ...embed]), true);
  }, [sort, q, JSON.stringify(filters), restarts]);

  const known = (name: string) => byName.has(name);
  const { live, recent } = useLiveTable({
    url: resource.live && listed ? listUrl(embed) : undefined,
    order: orderOf(order, known),
    done,
    rows,
    setRows,
    onMoved(before, after) {
      const at = new Map(after.map((r, i) => [String(r.id), i]));
      // Scrolled down: the first row in view that is still there stays where it is on the screen
      // (rows coming or going above it scroll the table by as much); focus stays on its row.
      const top = Math.floor((scroller.current?.scrollTop ?? 0) / ROW);
      if (top > 0)
        for (let i = top; i < before.length; i++) {
          const j = at.get(String(before[i].id));
          if (j === undefined) continue;
          shift.current += (j - i) * ROW;
          break;
        }
      setActive((a) => at.get(String(before[a]?.id)) ?? Math.max(0, Math.min(a, after.length - 1)));
    },
    onReset: () => setRestarts((n) => n + 1),
  });
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!shift.current || !el) return;
    el.scrollTop += shift.current;
    shift.current = 0;
    setScrollTop(el.scrollTop);
  });

  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const measure = () => setHeight(el.clientHeight || 600);
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  const first = Math.max(0, Math.floor(scrollTop / ROW) - OVERSCAN);
  const last = Math.min(rows.length, Math.ceil((scrollTop + height) / ROW) + OVERSCAN);

  // Near the end of what is loaded: fetch the next page.
  useEffect(() => {
    if (!loading && next && last >= rows.length - OVERSCAN * 2) load(next, false);
  }, [last, rows.length, next, loading]);

  // After every render (layout effect: before the browser paints), until the wanted row exists.
  useLayoutEffect(() => {
    if (!focusWanted.current) return;
    const row = scroller.current?.querySelector<HTMLElement>(`tr[data-index="${active}"]`);
    if (!row) return;
    focusWanted.current = false;
    row.focus({ preventScroll: true });
  });

  const moveTo = (i: number) => {
    const index = Math.max(0, Math.min(rows.length - 1, i));
    const el = scroller.current;
    if (el) {
      const top = index * ROW;
      const header = ROW;
      if (top < el.scrollTop) el.scrollTop = top;
      else if (top + ROW + header > el.scrollTop + el.clientHeight)
        el.scrollTop = top + ROW + header - el.clientHeight;
      setScrollTop(el.scrollTop);
    }
    focusWanted.current = true;
    setActive(index);
  };

  const onKey = (e: KeyboardEvent) => {
    const page = Math.max(1, Math.floor(height / ROW) - 1);
    const moves: Record<string, number> = {
      ArrowDown: active + 1,
      ArrowUp: active - 1,
      PageDown: active + page,
      PageUp: active - page,
      Home: 0,
      End: rows.length - 1,
    };
    if (e.key in moves) {
      e.preventDefault();
      moveTo(moves[e.key]);
    } else if (e.key === 'Enter' && (e.target as HTMLElement).tagName === 'TR') {
      e.preventDefault();
      const row = rows[active];
      if (row) go(href(resource.name, row.id));
    }
  };

  const toggleSort = (name: string) =>
    setSort((now) => (now === name ? `-${name}` : now === `-${name}` ? '' : name));

  const count = async () => {
    try {
      const r = await request(
        'GET',
        listUrl([
          ['limit', '1'],
          ['count', 'true'],
        ]),
      );
      setTotal(Number(r.headers.get('x-total-count')));
    } catch (e) {
      setFailure(e as ApiFailure);
    }
  };

  const chooseColumn = (name: string, on: boolean) => {
    const order = resource.fields.map((f) => f.name);
    const chosen = on ? [...columns, name] : columns.filter((c) => c !== name);
    const sorted = order.filter((c) => chosen.includes(c));
    setColumns(sorted);
    saveColumns(resource, sorted);
  };

  const view = rows.slice(first, last);
  return (
    <section class="table-page" aria-labelledby="table-title">
      <div class="page-head">
        <h1 id="table-title">{resource.name}</h1>
        {resource.description && <p class="muted">{resource.description}</p>}
        <div class="toolbar">
          {may('create') && (
            <a class="button primary" href={href(resource.name, 'new')}>
              {t('newRecord', { resource: resource.name })}
            </a>
          )}
          <button type="button" onClick={count}>
            {t('count')}
          </button>
          {resource.exports && may('read') && (
            <ExportButtons resource={resource} url={listUrl()} onFailure={setFailure} />
          )}
          {mayImport && (
            <ImportButton
              resource={resource}
              onFinished={() => !resource.live && setRestarts((n) => n + 1)}
            />
          )}
          <span class="muted" aria-live="polite" data-testid="status">
            {total !== undefined ? `${t('total', { n: total })} · ` : ''}
            {t('rows', { n: rows.length })}
            {done ? ` · ${t('end')}` : ''}
            {live ? ` · ${t('live')}` : ''}
          </span>
          <details class="columns">
            <summary>{t('columns')}</summary>
            <fieldset>
              <legend class="visually-hidden">{t('columns')}</legend>
              {resource.fields.map((f) => (
                <label key={f.name} class="check">
                  <input
                    type="checkbox"
                    checked={shown.includes(f.name)}
                    onChange={(e) => chooseColumn(f.name, e.currentTarget.checked)}
                  />
                  {f.name}
                </label>
              ))}
            </fieldset>
          </details>
        </div>
        {resource.search && <SearchBox resource={resource} value={q} onSearch={setQ} />}
        <FilterBuilder resource={resource} filters={filters} onApply={setFilters} />
        {may('read') && (
          <GroupsPanel
            resource={resource}
            params={[
              ...filterParams(filters),
              ...(q.trim() ? ([['q', q.trim()]] as [string, string][]) : []),
            ]}
            onFailure={setFailure}
          />
        )}
      </div>
      {failure && <Banner problems={failure.problems} />}
      <div
        class="table-scroll"
        ref={scroller}
        onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
        tabIndex={-1}
      >
        <table aria-rowcount={done ? rows.length + 1 : -1} aria-labelledby="table-title">
          <thead>
            <tr aria-rowindex={1}>
              {shown.map((name) => {
                const f = byName.get(name)!;
                const state = sort === name ? 'ascending' : sort === `-${name}` ? 'descending' : undefined;
                return (
                  <th key={name} scope="col" aria-sort={state}>
                    {f.sortable ? (
                      <button type="button" class="sort" onClick={() => toggleSort(name)}>
                        {name}
                        <span aria-hidden="true">
                          {state === 'ascending' ? ' ▲' : state === 'descending' ? ' ▼' : ''}
                        </span>
                      </button>
                    ) : (
                      name
                    )}
                  </th>
                );
              })}
              {toMany.map((rel) => (
                <th key={rel.name} scope="col">
                  {rel.name}
                </th>
              ))}
            </tr>
          </thead>
          <tbody onKeyDown={onKey}>
            {/* Both spacers always render, keyed: the rows between them are never moved in the DOM (a moved row would lose focus). */}
            <tr key="spacer-top" class="spacer" style={{ height: `${first * ROW}px` }} />
            {view.map((row, k) => {
              const i = first + k;
              return (
                <tr
                  key={String(row.id)}
                  class={recent.has(String(row.id)) ? 'changed' : undefined}
                  data-index={i}
                  aria-rowindex={i + 2}
                  tabIndex={i === active ? 0 : -1}
                  aria-label={t('details', { resource: resource.name, id: String(row.id) })}
                  onClick={(e) => {
                    if ((e.target as HTMLElement).closest('a')) return;
                    setActive(i);
                    go(href(resource.name, row.id));
                  }}
                  onFocus={() => setActive(i)}
                >
                  {shown.map((name) => (
                    <Cell key={name} model={model} resource={resource} field={byName.get(name)!} row={row} />
                  ))}
                  {toMany.map((rel) => (
                    <CountCell key={rel.name} relation={rel} row={row} />
                  ))}
                </tr>
              );
            })}
            <tr key="spacer-bottom" class="spacer" style={{ height: `${(rows.length - last) * ROW}px` }} />
          </tbody>
        </table>
        {!loading && rows.length === 0 && !failure && <p class="empty">{t('noRecords')}</p>}
        {loading && <p class="loading">{t('loading')}</p>}
      </div>
    </section>
  );
}
