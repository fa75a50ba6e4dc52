/**
 * Per-IdP-instance in-memory storage for oidc-provider (sessions, interactions, codes, tokens, grants).
 * The local IdP is deliberately ephemeral: everything is lost on stop(), and two IdPs in one process
 * never share state.
 */
type Payload = Record<string, unknown> & { uid?: string; userCode?: string; grantId?: string; consumed?: number };

/** Only these models are revoked together with their grant (same set as oidc-provider's own memory adapter). */
const GRANTABLE = new Set([
  "AccessToken",
  "AuthorizationCode",
  "RefreshToken",
  "DeviceCode",
  "BackchannelAuthenticationRequest",
  "PreAuthorizedCode",
]);

interface Entry {
  payload: Payload;
  expiresAt?: number;
}

export function createMemoryAdapterFactory() {
  const store = new Map<string, Entry>();
  const uidIndex = new Map<string, string>();
  const userCodeIndex = new Map<string, string>();
  const grantIndex = new Map<string, Set<string>>();

  function live(key: string): Payload | undefined {
    const entry = store.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt !== undefined && entry.expiresAt <= Date.now()) {
      store.delete(key);
      return undefined;
    }
    return entry.payload;
  }

  return class MemoryAdapter {
    constructor(private readonly model: string) {}

    private key(id: string): string {
      return `${this.model}:${id}`;
    }

    async upsert(id: string, payload: Payload, expiresIn?: number): Promise<void> {
      const key = this.key(id);
      store.set(key, {
        payload: { ...payload },
        expiresAt: typeof expiresIn === "number" ? Date.now() + expiresIn * 1000 : undefined,
      });
      if (payload.uid) uidIndex.set(payload.uid, id);
      if (payload.userCode) userCodeIndex.set(payload.userCode, id);
      if (payload.grantId && GRANTABLE.has(this.model)) {
        let members = grantIndex.get(payload.grantId);
        if (!members) {
          members = new Set();
          grantIndex.set(payload.grantId, members);
        }
        members.add(key);
      }
    }

    async find(id: string): Promise<Payload | undefined> {
      const payload = live(this.key(id));
      return payload ? { ...payload } : undefined;
    }

    async findByUid(uid: string): Promise<Payload | undefined> {
      const id = uidIndex.get(uid);
      return id ? this.find(id) : undefined;
    }

    async findByUserCode(userCode: string): Promise<Payload | undefined> {
      const id = userCodeIndex.get(userCode);
      return id ? this.find(id) : undefined;
    }

    async consume(id: string): Promise<void> {
      const payload = live(this.key(id));
      if (payload) payload.consumed = Math.floor(Date.now() / 1000);
    }

    async destroy(id: string): Promise<void> {
      const key = this.key(id);
      const payload = store.get(key)?.payload;
      if (payload?.uid && uidIndex.get(payload.uid) === id) uidIndex.delete(payload.uid);
      if (payload?.userCode && userCodeIndex.get(payload.userCode) === id) userCodeIndex.delete(payload.userCode);
      store.delete(key);
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      for (const key of grantIndex.get(grantId) ?? []) store.delete(key);
      grantIndex.delete(grantId);
    }
  };
}
