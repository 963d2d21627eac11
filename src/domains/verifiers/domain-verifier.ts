import type { VerificationMethod } from '../../db/models';
import { METHODS, type Check } from './check';
import { checkDnsTxt } from './dns-txt';
import { checkMetaTag } from './meta-tag';
import type { DnsResolver } from './resolver';
import type { SafeFetcher } from './safe-fetch';
import { checkWellKnownFile } from './well-known-file';

/** Runs verification methods against the network. Never touches the database. */
export class DomainVerifier {
  constructor(
    private readonly resolver: DnsResolver,
    private readonly fetcher: SafeFetcher,
  ) {}

  /** The given methods (all three when none), in parallel, each with its own result. */
  check(domain: string, token: string, methods: readonly VerificationMethod[] = METHODS): Promise<Check[]> {
    return Promise.all(methods.map((m) => this.checkOne(m, domain, token)));
  }

  private checkOne(method: VerificationMethod, domain: string, token: string): Promise<Check> {
    switch (method) {
      case 'dns_txt':
        return checkDnsTxt(this.resolver, domain, token);
      case 'meta_tag':
        return checkMetaTag(this.fetcher, domain, token);
      case 'file':
        return checkWellKnownFile(this.fetcher, domain, token);
    }
  }
}
