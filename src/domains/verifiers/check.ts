import type { VerificationMethod } from '../../db/models';

/** The outcome of one verification method, as the verify endpoint reports it. */
export interface Check {
  method: VerificationMethod;
  ok: boolean;
  detail: string;
}

export const METHODS: readonly VerificationMethod[] = ['dns_txt', 'meta_tag', 'file'];

export const TXT_PREFIX = '_orgbridge';
export const TXT_VALUE_PREFIX = 'orgbridge-verification=';
export const META_NAME = 'orgbridge-verification';
export const FILE_PATH = '/.well-known/orgbridge-verification.txt';
