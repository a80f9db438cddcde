/** The auth services one app uses, built once from the store and the `auth` settings. */
import { ApiTokens } from '../../auth/api-tokens.js';
import { LoginLimiter } from '../../auth/login-limiter.js';
import { Sessions } from '../../auth/sessions.js';
import { UserAccounts } from '../../auth/user-accounts.js';
import type { AuthSettings } from '../../model/auth-config.js';
import type { Store } from '../../store/store.js';

export interface AuthServices {
  settings: AuthSettings;
  users: UserAccounts;
  tokens: ApiTokens;
  sessions: Sessions;
  limiter: LoginLimiter;
}

export function authServices(store: Store, settings: AuthSettings): AuthServices {
  return {
    settings,
    users: new UserAccounts(store, settings),
    tokens: new ApiTokens(store, settings),
    sessions: new Sessions(store.kv, settings.sessionTtlSeconds),
    limiter: new LoginLimiter(store.kv, settings.loginLimit),
  };
}
