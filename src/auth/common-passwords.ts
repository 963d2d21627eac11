import list from './common-passwords.json';

/**
 * Commonly breached passwords (lower case), compiled from the top of public breach
 * corpora. Registration refuses them whatever the length rule says.
 */
export const COMMON_PASSWORDS: ReadonlySet<string> = new Set(list as string[]);
