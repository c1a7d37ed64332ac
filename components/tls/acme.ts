/**
 * What the registry's built-in ACME client is told: the names to obtain certificates for, the
 * account and the CA. Pure. The client (golang.org/x/crypto's autocert) orders one certificate per
 * name, on the first TLS connection for that name, and renews each by itself.
 */
import { acmeDirectoryUrl, TlsSettings } from "./args";

/**
 * The ACME part of the registry config (Distribution 3.x `http.tls.letsencrypt`, apart from the
 * cache folder, which is the container's business).
 */
export interface AcmeOrder {
    /** The DNS names to obtain certificates for, one each; the registry answers TLS for no other name. */
    hosts: string[];
    /** Contact address of the account; "" for none. */
    email: string;
    /** The ACME directory URL. */
    directoryUrl: string;
    /**
     * The cache's folder for this directory (a name inside the cache volume). autocert keys its
     * cache by host name alone and serves a cached certificate whoever issued it: with one folder
     * per directory, moving from Let's Encrypt staging to production orders anew (with a new
     * account) instead of serving the staging certificates until their renewal.
     */
    cacheFolder: string;
}

/** A folder name for a directory URL: its host, port and path, readable, safe in a file name. */
function acmeCacheFolder(directoryUrl: string): string {
    return directoryUrl.replace(/^https:\/\//, "").replace(/[^A-Za-z0-9.-]+/g, "_").replace(/^[._]+|_+$/g, "");
}

/** The order for `names` (the shared hostnames, then each instance's), lower-cased as certificates carry them. */
export function acmeOrder(s: TlsSettings, names: readonly string[]): AcmeOrder {
    const directoryUrl = acmeDirectoryUrl(s.acmeDirectory);
    return { hosts: names.map((name) => name.toLowerCase()), email: s.acmeEmail, directoryUrl, cacheFolder: acmeCacheFolder(directoryUrl) };
}

/**
 * How long the registry's ACME client gives its first order (golang.org/x/crypto's autocert: 5
 * minutes): the longest a first TLS connection, and so a client's first `docker login`, may wait.
 */
export const acmeFirstOrderSeconds = 300;
