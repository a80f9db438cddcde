/** `POST /auth/login` (docs/auth.md): the session cookie is set by the server, HttpOnly. */
import { useState } from 'preact/hooks';
import { type ApiFailure, request } from './api.js';
import { Banner } from './banner.js';
import { t } from './i18n.js';
import type { Caller } from './model.js';

export function LoginForm(props: { api: string; intro: string; onSignedIn: (caller: Caller) => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [failure, setFailure] = useState<ApiFailure | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    try {
      const r = await request<Caller>('POST', `${props.api}/auth/login`, { body: { email, password } });
      props.onSignedIn(r.body);
    } catch (err) {
      setFailure(err as ApiFailure);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="login card" onSubmit={submit} noValidate>
      <h1>{t('signIn')}</h1>
      <p>{props.intro}</p>
      {failure && <Banner problems={failure.problems} />}
      <label for="login-email">{t('email')}</label>
      <input
        id="login-email"
        type="email"
        autocomplete="username"
        value={email}
        onInput={(e) => setEmail(e.currentTarget.value)}
        required
      />
      <label for="login-password">{t('password')}</label>
      <input
        id="login-password"
        type="password"
        autocomplete="current-password"
        value={password}
        onInput={(e) => setPassword(e.currentTarget.value)}
        required
      />
      <button type="submit" class="primary" disabled={busy}>
        {t('signIn')}
      </button>
    </form>
  );
}
