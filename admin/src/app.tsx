/** The shell: sign-in when auth is on, the sidebar of resources, and the page the hash names. */
import type { ComponentChildren } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { type ApiFailure, request, whenUnauthenticated } from './api.js';
import { Banner } from './banner.js';
import { t } from './i18n.js';
import { LoginForm } from './login-form.js';
import { type AppModel, allowed, type Caller, mayImport, modelAsSeenBy, readModel } from './model.js';
import { RecordPage } from './record-page.js';
import { href, useRoute } from './router.js';
import { TableView } from './table-view.js';

export interface Settings {
  api: string;
  openapi: string;
  auth: boolean;
  name: string;
}

type Session = { state: 'loading' } | { state: 'out' } | { state: 'in'; caller: Caller | null };

export function App({ settings }: { settings: Settings }) {
  const [model, setModel] = useState<AppModel | null>(null);
  const [session, setSession] = useState<Session>({ state: settings.auth ? 'loading' : 'in', caller: null });
  const [error, setError] = useState<ApiFailure | null>(null);
  const [menuOpen, setMenuOpen] = useState(false);
  const route = useRoute();

  useEffect(() => {
    if (settings.auth) whenUnauthenticated(() => setSession({ state: 'out' }));
    request<Record<string, unknown>>('GET', settings.openapi)
      .then((r) => setModel(readModel(r.body, settings.api)))
      .catch((e) => setError(e as ApiFailure));
    if (settings.auth)
      request<Caller>('GET', `${settings.api}/auth/me`)
        .then((r) => setSession({ state: 'in', caller: r.body }))
        .catch(() => setSession({ state: 'out' }));
  }, [settings]);
  useEffect(() => setMenuOpen(false), [route.resource]);

  const signOut = async () => {
    await request('POST', `${settings.api}/auth/logout`).catch(() => undefined);
    setSession({ state: 'out' });
  };
  const caller = session.state === 'in' ? session.caller : null;
  // What this caller may read and write, field by field (docs/rules.md#field-access).
  const seen = useMemo(() => model && modelAsSeenBy(model, caller, settings.auth), [model, caller]);
  const resource = route.resource ? seen?.byName.get(route.resource) : undefined;

  let main: ComponentChildren;
  if (error) main = <Banner problems={error.problems} />;
  else if (!seen || session.state === 'loading') main = <p>{t('loading')}</p>;
  else if (session.state === 'out')
    main = (
      <LoginForm
        api={settings.api}
        onSignedIn={(c) => setSession({ state: 'in', caller: c })}
        intro={t('welcome')}
      />
    );
  else if (!resource) main = <p>{t('chooseResource')}</p>;
  else if (route.record)
    main = (
      <RecordPage
        key={`${resource.name}/${route.record}`}
        model={seen}
        resource={resource}
        id={route.record}
        may={(a) => allowed(resource, a, caller, settings.auth)}
      />
    );
  else
    main = (
      <TableView
        key={`${resource.name}?${route.query}`}
        model={seen}
        resource={resource}
        initial={route.query}
        may={(a) => allowed(resource, a, caller, settings.auth)}
        mayImport={mayImport(resource, caller, settings.auth)}
        mayRead={(name) => {
          const other = seen.byName.get(name);
          return Boolean(other && allowed(other, 'read', caller, settings.auth));
        }}
      />
    );

  const signedIn = session.state === 'in';
  return (
    <div class="shell">
      <button type="button" class="skip" onClick={() => document.getElementById('main')?.focus()}>
        {t('skip')}
      </button>
      <header class="topbar">
        <button
          type="button"
          class="menu-button"
          aria-expanded={menuOpen}
          aria-controls="sidebar"
          onClick={() => setMenuOpen(!menuOpen)}
        >
          {t('menu')}
        </button>
        <span class="brand">{settings.name} · admin</span>
        {settings.auth && signedIn && caller && (
          <span class="who">
            <span data-testid="who">{t('signedInAs', { who: caller.name || caller.email })}</span>{' '}
            <span class="roles">
              ({caller.roles.length ? t('roles', { roles: caller.roles.join(', ') }) : t('noRoles')})
            </span>
            <button type="button" onClick={signOut}>
              {t('signOut')}
            </button>
          </span>
        )}
      </header>
      <div class="body">
        {signedIn && model && (
          <nav id="sidebar" class={menuOpen ? 'sidebar open' : 'sidebar'} aria-label={t('resources')}>
            <h2>{t('resources')}</h2>
            <ul>
              {model.resources
                .filter((r) => allowed(r, 'read', caller, settings.auth))
                .map((r) => (
                  <li key={r.name}>
                    <a href={href(r.name)} aria-current={r.name === route.resource ? 'page' : undefined}>
                      {r.name}
                    </a>
                  </li>
                ))}
            </ul>
          </nav>
        )}
        <main id="main" tabIndex={-1}>
          {main}
        </main>
      </div>
    </div>
  );
}
