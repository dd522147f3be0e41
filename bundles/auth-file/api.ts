import { serviceToken } from '../../core/serviceToken.js';

/** The outcome of a successful authentication. */
export interface AuthenticatedUser {
  /** The user's canonical name (as written in the user store). */
  readonly name: string;
}

/**
 * Checks a user's credentials. `auth-file` provides it; a custom bundle can provide the same token
 * instead (disable `auth-file` with `kernel.bundles.auth-file.enabled=false`).
 */
export interface AuthenticationService {
  /**
   * Resolves with the user for valid credentials and with undefined otherwise. Implementations
   * must take the same time whether or not the user exists, so an attacker learns nothing.
   */
  authenticate(name: string, password: string): Promise<AuthenticatedUser | undefined>;
}

export const AUTHENTICATION_SERVICE = serviceToken<AuthenticationService>('authentication');
