/** What the registry's built-in ACME client is told: the names to obtain a certificate for, the account and the CA. Pure. */
import { acmeDirectoryUrl, TlsSettings } from "./args";

/**
 * The ACME part of the registry config (Distribution 3.x `http.tls.letsencrypt`, apart from the
 * cache folder, which is the container's business).
 */
export interface AcmeOrder {
    /** Every DNS name the certificate covers; the registry answers TLS for no other name. */
    hosts: string[];
    /** Contact address of the account; "" for none. */
    email: string;
    /** The ACME directory URL. */
    directoryUrl: string;
}

/** The order for `names` (the shared hostnames, then each instance's), lower-cased as certificates carry them. */
export function acmeOrder(s: TlsSettings, names: readonly string[]): AcmeOrder {
    return { hosts: names.map((name) => name.toLowerCase()), email: s.acmeEmail, directoryUrl: acmeDirectoryUrl(s.acmeDirectory) };
}

/**
 * How long the registry's ACME client gives its first order (golang.org/x/crypto's autocert: 5
 * minutes): the longest a first TLS connection, and so a client's first `docker login`, may wait.
 */
export const acmeFirstOrderSeconds = 300;
