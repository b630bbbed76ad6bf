// Login sessions, kept in memory: a random id (the cookie), the user's name, a CSRF token,
// an idle expiry and an absolute one. A server restart forgets every session, so people log
// in again; programs use bearer tokens and are not affected.
import { randomBytes } from 'node:crypto';

export interface Session {
  id: string;
  userName: string;
  /** Synchronizer token: pages carry it in a meta tag / hidden field, POSTs send it back. */
  csrfToken: string;
  createdAt: number;
  lastSeenAt: number;
  /** Signed in with a one-time or expired password: only the 修改密码 page is reachable. */
  mustChangePassword: boolean;
}

export type SessionEnd = 'idle' | 'absolute';

export interface SessionStoreOptions {
  /** Idle time after which a session ends. */
  idleMs: number;
  /** Time after login after which a session ends however active. */
  absoluteMs: number;
  now?: () => number;
  /** Told when a session times out (for the audit log). */
  onExpire?: (session: Session, why: SessionEnd) => void;
}

export class SessionStore {
  private readonly sessions = new Map<string, Session>();
  private readonly now: () => number;

  constructor(private readonly options: SessionStoreOptions) {
    this.now = options.now ?? Date.now;
  }

  create(userName: string, options: { mustChangePassword?: boolean } = {}): Session {
    this.sweep();
    const at = this.now();
    const session: Session = {
      id: randomBytes(32).toString('base64url'),
      userName,
      csrfToken: randomBytes(32).toString('base64url'),
      createdAt: at,
      lastSeenAt: at,
      mustChangePassword: options.mustChangePassword ?? false,
    };
    this.sessions.set(session.id, session);
    return session;
  }

  /** The live session with this id (touching it), or undefined when unknown or expired. */
  get(id: string): Session | undefined {
    const session = this.sessions.get(id);
    if (!session) return undefined;
    const at = this.now();
    const ended = this.endOf(session, at);
    if (ended) {
      this.sessions.delete(id);
      this.options.onExpire?.(session, ended);
      return undefined;
    }
    session.lastSeenAt = at;
    return session;
  }

  destroy(id: string): void {
    this.sessions.delete(id);
  }

  /** Ends every session of a user (password changed, user removed), but `except`. */
  destroyUser(userName: string, except?: string): number {
    let ended = 0;
    for (const [id, s] of this.sessions) {
      if (s.userName === userName && id !== except) {
        this.sessions.delete(id);
        ended++;
      }
    }
    return ended;
  }

  private endOf(session: Session, at: number): SessionEnd | null {
    if (at - session.createdAt > this.options.absoluteMs) return 'absolute';
    if (at - session.lastSeenAt > this.options.idleMs) return 'idle';
    return null;
  }

  get size(): number {
    return this.sessions.size;
  }

  private sweep(): void {
    const at = this.now();
    for (const [id, s] of this.sessions) {
      const ended = this.endOf(s, at);
      if (ended) {
        this.sessions.delete(id);
        this.options.onExpire?.(s, ended);
      }
    }
  }
}
