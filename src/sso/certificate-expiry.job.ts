import type { Clock } from '../shared/clock';
import type { Logger } from '../shared/logger';
import { Repeating } from '../shared/repeating';
import type { ConnectionsService } from './connections.service';

/** Runs the 30-days-ahead certificate expiry check hourly (every process may run it: the warning is claimed once). */
export class CertificateExpiryJob {
  private readonly loop: Repeating;

  constructor(connections: ConnectionsService, clock: Clock, logger: Logger) {
    this.loop = new Repeating(
      () => connections.warnExpiringCertificates(clock.now()),
      (err) => logger.error({ err }, 'certificate expiry check failed'),
    );
  }

  start(intervalMs = 3600_000): void {
    this.loop.start(intervalMs, true);
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }
}
