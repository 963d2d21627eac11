/** Largest JSON request body accepted anywhere (contract section 10; SCIM's maxPayloadSize agrees). */
export const JSON_BODY_LIMIT = 1024 * 1024;
