/** The SP's URLs for one connection. The entity id is the metadata URL, as most IdPs expect. */
export function spUrls(publicUrl: string, tenantSlug: string, connectionId: string) {
  const base = `${publicUrl}/t/${encodeURIComponent(tenantSlug)}/sso/saml/${encodeURIComponent(connectionId)}`;
  return { entity_id: `${base}/metadata`, acs_url: `${base}/acs`, metadata_url: `${base}/metadata`, start_url: `${base}/start` };
}
