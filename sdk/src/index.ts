export { AccessTokenError, JWKS_COOLDOWN_MS, verifyAccessToken } from './access-token';
export type { AccessTokenClaims, AccessTokenErrorReason, VerifyAccessTokenOptions } from './access-token';
export { discover } from './discovery';
export type { ProviderMetadata } from './discovery';
export { OrgbridgeError } from './errors';
export type { ApiErrorCode, ErrorDetail, OAuthErrorCode } from './errors';
export { accessClaimsOf, bearerToken, CLAIMS_PROPERTY, requireAccessToken, requireOrgPermission, requireOrgRole } from './middleware';
export type { AuthRequest, AuthResponse, Middleware, NextFunction, WithAccessClaims } from './middleware';
export { switchOrg } from './switch-org';
export type { SwitchOrgOptions, TokenSet } from './switch-org';
export { createAdminClient } from './admin-client';
export type {
  AdminClient,
  AdminClientOptions,
  Answer,
  BodyOf,
  Invitation,
  InvitationCreate,
  InvitationQuery,
  Member,
  MemberAdd,
  MemberPatch,
  Organization,
  OrganizationCreate,
  OrganizationPatch,
  OrganizationQuery,
  OrgbridgePaths,
  QueryOf,
  Schemas,
  User,
  UserCreate,
  UserDetail,
  UserPatch,
} from './admin-client';
export { createTypedClient } from './typed-fetch';
export type { HttpMethod, RequestOptions, SuccessOf, TypedClient, TypedClientConfig } from './typed-fetch';
