// The keychain banner the Portals and Authenticator views share.
import type { KeychainStatus } from "./bindings";

/** The core's reason ("keychain unavailable: …") when the keychain cannot be used, else null. */
export function keychainProblem(k: KeychainStatus | null): string | null {
  if (k === null || k.state === "available") return null;
  return k.reason;
}
