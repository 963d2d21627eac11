import type { Clock } from '../shared/clock';
import type { Logger } from '../shared/logger';
import type { ConnectionsService } from './connections.service';

/** Runs the 30-days-ahead certificate expiry check hourly (every process may run it: the warning is claimed once). */
export class CertificateExpiryJob {
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(
    private readonly connections: ConnectionsService,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  start(intervalMs = 3600_000): void {
    const run = () => {
      this.running = this.connections.warnExpiringCertificates(this.clock.now()).catch((err) => this.logger.error({ err }, 'certificate expiry check failed'));
    };
    run();
    this.timer = setInterval(run, intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
