import { X509Certificate, generateKeyPairSync, randomBytes } from 'node:crypto';
import forge from 'node-forge';

/**
 * Node cannot build an X.509 certificate by itself; node-forge (pure JS) signs the SP's
 * self-signed certificate. The key pair itself comes from Node's crypto.
 */
export function generateSpKeyPair(commonName: string, years = 10): { privateKeyPem: string; certificatePem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const privateKeyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString());
  cert.serialNumber = `01${randomBytes(15).toString('hex')}`;
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + years * 365 * 24 * 3600_000);
  const attrs = [{ name: 'commonName', value: commonName.slice(0, 64) }];
  cert.setSubject(attrs);
  cert.setIssuer(attrs);
  cert.sign(forge.pki.privateKeyFromPem(privateKeyPem), forge.md.sha256.create());
  return { privateKeyPem, certificatePem: forge.pki.certificateToPem(cert).replace(/\r\n/g, '\n') };
}

export interface CertificateInfo {
  pem: string;
  fingerprint: string;
  notAfter: Date;
}

/** Accepts a PEM or bare base64 DER certificate; null when it is not a certificate. */
export function readCertificate(input: string): CertificateInfo | null {
  const body = input.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(body)) return null;
  const pem = `-----BEGIN CERTIFICATE-----\n${body.match(/.{1,64}/g)!.join('\n')}\n-----END CERTIFICATE-----\n`;
  try {
    const cert = new X509Certificate(pem);
    return { pem, fingerprint: cert.fingerprint256.replace(/:/g, '').toLowerCase(), notAfter: new Date(cert.validTo) };
  } catch {
    return null;
  }
}
