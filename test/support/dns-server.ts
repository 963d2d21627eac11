import dns2 from 'dns2';

const { Packet } = dns2;

export interface DnsRecords {
  /** A function answers each query anew (DNS rebinding). */
  A?: string[] | (() => string[]);
  AAAA?: string[];
  /** Each record is its list of character-strings (chunks). */
  TXT?: string[][];
  /** Never answer: the resolver times out. */
  silent?: boolean;
}

/**
 * A real DNS server (dns2, UDP) on loopback, given to the app through DNS_SERVERS. Names it
 * does not know answer NXDOMAIN; every question is counted.
 */
export class TestDnsServer {
  readonly records = new Map<string, DnsRecords>();
  readonly queries: Array<{ name: string; type: string }> = [];
  private server = dns2.createServer({
    udp: true,
    handle: (request, send) => {
      const response = Packet.createResponseFromRequest(request);
      const [question] = request.questions;
      const name = question!.name.toLowerCase();
      const type = question!.type === Packet.TYPE.A ? 'A' : question!.type === Packet.TYPE.AAAA ? 'AAAA' : question!.type === Packet.TYPE.TXT ? 'TXT' : 'other';
      this.queries.push({ name, type });
      const rec = this.records.get(name);
      if (rec?.silent) return;
      if (!rec) {
        response.header.rcode = 3; // NXDOMAIN
        return send(response);
      }
      const base = { name: question!.name, class: Packet.CLASS.IN, ttl: 1 };
      if (type === 'A') for (const address of (typeof rec.A === 'function' ? rec.A() : rec.A) ?? []) response.answers.push({ ...base, type: Packet.TYPE.A, address } as never);
      if (type === 'AAAA') for (const address of rec.AAAA ?? []) response.answers.push({ ...base, type: Packet.TYPE.AAAA, address } as never);
      if (type === 'TXT') for (const data of rec.TXT ?? []) response.answers.push({ ...base, type: Packet.TYPE.TXT, data } as never);
      send(response);
    },
  });
  address = '';

  static async start(host = '127.0.0.1'): Promise<TestDnsServer> {
    const dns = new TestDnsServer();
    const addresses = await dns.server.listen({ udp: { port: 0, address: host, type: 'udp4' } } as never);
    dns.address = `${host}:${(addresses as { udp: { port: number } }).udp.port}`;
    return dns;
  }

  set(name: string, records: DnsRecords): void {
    this.records.set(name.toLowerCase(), records);
  }

  count(name: string, type?: string): number {
    return this.queries.filter((q) => q.name === name.toLowerCase() && (!type || q.type === type)).length;
  }

  close(): Promise<void> {
    return this.server.close() as unknown as Promise<void>;
  }
}
