/** Who made a change: recorded on every event. */
export interface Actor {
  type: 'root_key' | 'api_key' | 'directory' | 'user' | 'system';
  id: string | null;
}

/** What every tenant-scoped service call carries: the tenant it acts in and who acts. */
export interface Ctx {
  tenantId: string;
  actor: Actor;
}

export const SYSTEM_ACTOR: Actor = { type: 'system', id: null };
