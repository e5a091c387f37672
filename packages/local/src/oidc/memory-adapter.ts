import type { Adapter, AdapterPayload } from 'oidc-provider';

/**
 * The provider's sessions, interactions, codes and grants, in memory on purpose: after a restart
 * people sign in again (their tokens stay valid: the signing key is the data folder's). Ours
 * rather than the library's quick-start adapter, which warns on every start that it is one.
 */
const stores = new Map<string, Map<string, { payload: AdapterPayload; expiresAt: number }>>();

export class MemoryAdapter implements Adapter {
  private readonly items: Map<string, { payload: AdapterPayload; expiresAt: number }>;

  constructor(name: string) {
    let items = stores.get(name);
    if (!items) {
      items = new Map();
      stores.set(name, items);
    }
    this.items = items;
  }

  private live(id: string): AdapterPayload | undefined {
    const item = this.items.get(id);
    if (!item) return undefined;
    if (item.expiresAt <= Date.now()) {
      this.items.delete(id);
      return undefined;
    }
    return item.payload;
  }

  async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
    this.items.set(id, { payload, expiresAt: Date.now() + expiresIn * 1000 });
  }
  async find(id: string) {
    return this.live(id);
  }
  async findByUserCode(userCode: string) {
    for (const [id, item] of this.items) if (item.payload.userCode === userCode) return this.live(id);
    return undefined;
  }
  async findByUid(uid: string) {
    for (const [id, item] of this.items) if (item.payload.uid === uid) return this.live(id);
    return undefined;
  }
  async consume(id: string): Promise<void> {
    const payload = this.live(id);
    if (payload) payload.consumed = Math.floor(Date.now() / 1000);
  }
  async destroy(id: string): Promise<void> {
    this.items.delete(id);
  }
  async revokeByGrantId(grantId: string): Promise<void> {
    for (const [id, item] of this.items) if (item.payload.grantId === grantId) this.items.delete(id);
  }
}
