import type { OrgsService } from '../orgs/orgs.service';
import type { SsoConnectionPort, SsoConnectionRef } from '../routing/sso-connection-port';
import type { ConnectionsService } from './connections.service';

/** Login routing's view of SSO: the connection an organization signs in with, if any. */
export class RoutingConnections implements SsoConnectionPort {
  constructor(
    private readonly connections: ConnectionsService,
    private readonly orgs: OrgsService,
  ) {}

  async connectionFor(organizationId: string): Promise<SsoConnectionRef | null> {
    const [org] = await this.orgs.findByIds([organizationId]);
    return org ? this.connections.connectionFor(org) : null;
  }
}
