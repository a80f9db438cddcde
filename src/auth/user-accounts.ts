/** Users, stored through the Store like any resource. The password hash never leaves this module. */
import type { AuthSettings } from '../model/auth-config.js';
import type { Row, Store } from '../store/store.js';
import { burnPasswordCheck, hashPassword, verifyPassword } from './password-hash.js';

/** A user as every response and the CLI show it: no password, no hash. */
export interface PublicUser {
  id: number;
  email: string;
  name: string | null;
  roles: string[];
  createdAt: string;
  updatedAt: string;
}

export interface NewUser {
  email: string;
  password: string;
  name?: string | null;
  roles?: string[];
}

export const normalizeEmail = (email: string): string => email.trim().toLowerCase();

export function publicUser(row: Row): PublicUser {
  return {
    id: Number(row.id),
    email: String(row.email),
    name: typeof row.name === 'string' ? row.name : null,
    roles: Array.isArray(row.roles) ? (row.roles as unknown[]).map(String) : [],
    createdAt: String(row.createdAt),
    updatedAt: String(row.updatedAt),
  };
}

export class UserAccounts {
  constructor(
    private readonly store: Store,
    private readonly auth: AuthSettings,
  ) {}

  /** Throws the store's UniqueViolation (→ 409) when the email is taken. */
  async create(user: NewUser): Promise<PublicUser> {
    const passwordHash = await hashPassword(user.password);
    const row = await this.store.insert(this.auth.users, {
      email: normalizeEmail(user.email),
      name: user.name ?? null,
      roles: [...new Set(user.roles ?? [])],
      passwordHash,
    });
    return publicUser(row);
  }

  private async rowByEmail(email: string): Promise<Row | undefined> {
    const where = [{ field: 'email', op: 'eq' as const, value: normalizeEmail(email) }];
    const [row] = await this.store.list(this.auth.users, {
      where,
      sort: [{ field: 'id', desc: false }],
      limit: 1,
    });
    return row;
  }

  async get(id: unknown): Promise<PublicUser | undefined> {
    const row = await this.store.get(this.auth.users, id);
    return row && publicUser(row);
  }

  async findByEmail(email: string): Promise<PublicUser | undefined> {
    const row = await this.rowByEmail(email);
    return row && publicUser(row);
  }

  async list(): Promise<PublicUser[]> {
    return (await this.store.list(this.auth.users, { where: [], sort: [{ field: 'id', desc: false }] })).map(
      publicUser,
    );
  }

  /** The user when email and password match; the same time is spent when the account does not exist. */
  async verify(email: string, password: string): Promise<PublicUser | undefined> {
    const row = await this.rowByEmail(email);
    if (!row) return burnPasswordCheck(password).then(() => undefined);
    return (await verifyPassword(password, String(row.passwordHash))) ? publicUser(row) : undefined;
  }
}
