/**
 * A minimal cookie jar for runtimes where fetch keeps no cookies (Node). Browsers never show
 * Set-Cookie to scripts, so there the jar stays empty and `credentials: 'include'` does the work.
 * One jar per client, which talks to one origin: name → value, expiry honoured.
 */

interface Cookie {
  value: string;
  /** Epoch ms; undefined for a session cookie. */
  expires?: number;
}

export class CookieJar {
  private readonly cookies = new Map<string, Cookie>();

  /** Reads every Set-Cookie of a response (Headers.getSetCookie, Node 19.7+ and modern runtimes). */
  store(headers: Headers, now: number = Date.now()): void {
    const lines = typeof headers.getSetCookie === 'function' ? headers.getSetCookie() : [];
    for (const line of lines) this.storeOne(line, now);
  }

  private storeOne(line: string, now: number): void {
    const [pair, ...attributes] = line.split(';');
    const eq = pair.indexOf('=');
    if (eq <= 0) return;
    const name = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    let expires: number | undefined;
    for (const attr of attributes) {
      const [k, v = ''] = attr.split('=', 2).map((s) => s.trim());
      const key = k.toLowerCase();
      if (key === 'max-age' && /^-?\d+$/.test(v)) expires = now + Number(v) * 1000;
      else if (key === 'expires' && expires === undefined) {
        const at = Date.parse(v);
        if (!Number.isNaN(at)) expires = at;
      }
    }
    if (expires !== undefined && expires <= now) this.cookies.delete(name);
    else this.cookies.set(name, { value, expires });
  }

  /** The Cookie header value, or undefined when the jar holds nothing current. */
  header(now: number = Date.now()): string | undefined {
    const parts: string[] = [];
    for (const [name, c] of this.cookies) {
      if (c.expires !== undefined && c.expires <= now) this.cookies.delete(name);
      else parts.push(`${name}=${c.value}`);
    }
    return parts.length ? parts.join('; ') : undefined;
  }

  clear(): void {
    this.cookies.clear();
  }

  get size(): number {
    return this.cookies.size;
  }
}
