import { isIP } from "node:net";

/** A name the server certificate covers, with the setting that names it (for validation messages). */
export interface CertificateName {
    key: string;
    name: string;
}

/** The addresses clients use, split the way an X.509 certificate's SANs need them. */
export interface SubjectAltNames {
    /** DNS names, lower-cased, in the order given (`dNSName` SANs). */
    dnsNames: string[];
    /** IPv4 and IPv6 literals, in the order given (`iPAddress` SANs). */
    ipAddresses: string[];
}

const dnsLabel = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/** True for an IPv4 or IPv6 literal (IPv6 without brackets). */
export function isIpAddress(value: string): boolean {
    return isIP(value) !== 0;
}

/**
 * True for an address a client can connect to and a certificate can name: not the unspecified
 * address (0.0.0.0, ::) and no IPv6 zone (fe80::1%eth0), which certificates cannot carry.
 */
export function isHostAddress(value: string): boolean {
    return isIpAddress(value) && !value.includes("%") && !/^(0\.0\.0\.0|::|0*:0*:0*:0*:0*:0*:0*:0*)$/.test(value);
}

/**
 * True for a DNS host name a certificate can carry: dot-separated labels of letters, digits
 * and inner hyphens, at most 253 characters, no trailing dot; never an IP literal. Wildcards
 * are refused: a registry is reached by one name, and `docker login` matches the name exactly.
 */
export function isDnsName(value: string): boolean {
    const name = value.toLowerCase();
    if (name.length === 0 || name.length > 253) {
        return false;
    }
    const labels = name.split(".");
    // An all-numeric final label would make "10.0.0.300" look like a name; reject it.
    if (/^[0-9]+$/.test(labels[labels.length - 1])) {
        return false;
    }
    return labels.every((label) => dnsLabel.test(label));
}

/** Splits hostnames into DNS names and IP addresses, for the certificate's SANs. */
export function subjectAltNames(hostnames: readonly string[]): SubjectAltNames {
    const dnsNames: string[] = [];
    const ipAddresses: string[] = [];
    for (const host of hostnames) {
        if (isIpAddress(host)) {
            ipAddresses.push(host);
        } else {
            dnsNames.push(host.toLowerCase());
        }
    }
    return { dnsNames, ipAddresses };
}

/**
 * The `host:port` form Docker uses in image references and in `certs.d` folder names:
 * IPv6 literals go in brackets. On 443 the port is left out, as in the image references
 * people write (`registry.example.com/app`): Docker and containerd match the `certs.d` folder
 * and the login to the reference exactly, so `registry.example.com:443` would name another registry.
 */
export function registryAddress(host: string, port: number): string {
    const bracketed = isIP(host) === 6 ? `[${host}]` : host;
    return port === 443 ? bracketed : `${bracketed}:${port}`;
}
