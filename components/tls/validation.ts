import { CertificateName, isIpAddress } from "../shared/hostnames";
import { notAllowed, Problems } from "../shared/problems";
import type { RegistryMajor } from "../version/args";
import { acmeDirectories, tlsDefaults, tlsKeyAlgorithms, TlsSettings, tlsSources, validityHoursRange } from "./args";

/** What the TLS checks need from the other domains. */
export interface TlsContext {
    /** Every name the certificate must cover, with the setting it comes from: the shared hostnames, then each instance's. */
    names: readonly CertificateName[];
    /** The registry's port, where clients (and an ACME CA's challenge) connect. */
    port: number;
    /** The Distribution major of the image, when known. */
    major: RegistryMajor | undefined;
    /** How many instances serve the registry (1 without a list). */
    instanceCount: number;
    /** The address the registry is published on. */
    bindAddress: string;
    /** The image's tag, when it has one. */
    imageTag: string | undefined;
}

/**
 * Top-level domains reserved for tests, examples and local networks (RFC 2606, 6761, 6762, 8375,
 * ICANN's .internal): no public CA issues for them.
 */
const privateTopLevelDomains = ["test", "example", "invalid", "localhost", "local", "internal", "lan", "home.arpa"];

const knownDirectories = Object.keys(acmeDirectories).join(", ");
// A mailbox as ACME accounts take it (mailto:), without spaces, commas or a display name.
const emailAddress = /^[^\s@,<>":]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;

/**
 * Problems of the certificate settings: the source and what it needs (a provided certificate its
 * key; generated ones sane lifetimes; ACME a 3.x registry, DNS names and one instance).
 */
export function findTlsProblems(s: TlsSettings, context: TlsContext): string[] {
    const problems = new Problems();
    if (!tlsSources.includes(s.source)) {
        problems.bad("tlsSource", s.source, `expected one of ${tlsSources.join(", ")}`);
        return problems.lines;
    }
    findSettingsOfOtherSources(s, problems);
    if (s.source === "provided") findProvidedProblems(s, problems);
    if (s.source === "generated") findGeneratedProblems(s, problems);
    if (s.source === "acme") findAcmeProblems(s, context, problems);
    return problems.lines;
}

/** Settings of a source other than the chosen one: each would be ignored without a word. */
function findSettingsOfOtherSources(s: TlsSettings, problems: Problems): void {
    if (s.source !== "acme") {
        const acme = [
            ["acmeEmail", s.acmeEmail !== ""],
            ["acmeDirectory", s.acmeDirectory !== tlsDefaults.acmeDirectory],
            ["acmeCaCertificates", s.providedAcmeCaCertificates],
        ] as const;
        for (const [key, given] of acme) {
            if (given) problems.add(`${key}: is set but tlsSource is ${s.source}; it only applies with tlsSource acme`);
        }
    }
    if (s.source === "acme") {
        for (const [key, given] of [["tlsCertificate", s.providedCertificate], ["tlsPrivateKey", s.providedPrivateKey], ["tlsCaCertificate", s.providedCaCertificate]] as const) {
            if (given) problems.add(`${key}: is set but tlsSource is acme, where the registry obtains its certificate from the ACME CA; remove ${key}, or set tlsSource to provided`);
        }
    } else if (s.source === "generated" && s.providedCertificate) {
        problems.add("tlsCertificate: is set but tlsSource is generated; remove tlsSource (or set it to provided) to serve your own certificate");
    } else if (s.source === "generated") {
        if (s.providedPrivateKey) problems.add("tlsPrivateKey: is set but tlsCertificate is not; set both as secrets, or neither to generate a CA");
        if (s.providedCaCertificate) {
            problems.add("tlsCaCertificate: is set but tlsCertificate is not; it names the CA of a certificate you provide (the generated CA needs no setting)");
        }
    }
}

function findProvidedProblems(s: TlsSettings, problems: Problems): void {
    if (!s.providedCertificate) {
        problems.add("tlsCertificate: is not set but tlsSource is provided; set tlsCertificate and tlsPrivateKey as secrets");
    } else if (!s.providedPrivateKey) {
        problems.add("tlsCertificate: is set but tlsPrivateKey is not; a provided certificate needs its private key (set both as secrets)");
    }
}

function findGeneratedProblems(s: TlsSettings, problems: Problems): void {
    problems.wholeNumber("tlsValidityHours", s.tlsValidityHours, validityHoursRange);
    problems.wholeNumber("caValidityHours", s.caValidityHours, validityHoursRange);
    if (!Number.isInteger(s.tlsEarlyRenewalHours) || s.tlsEarlyRenewalHours < 0 || s.tlsEarlyRenewalHours >= s.tlsValidityHours) {
        problems.bad("tlsEarlyRenewalHours", s.tlsEarlyRenewalHours, `expected a whole number from 0 to less than tlsValidityHours (${s.tlsValidityHours})`);
    }
    if (s.caValidityHours < s.tlsValidityHours) {
        problems.bad("caValidityHours", s.caValidityHours, `must be at least tlsValidityHours (${s.tlsValidityHours}): a certificate cannot outlive its CA`);
    }
    if (!tlsKeyAlgorithms.includes(s.tlsKeyAlgorithm)) {
        problems.bad("tlsKeyAlgorithm", s.tlsKeyAlgorithm, `expected one of ${tlsKeyAlgorithms.join(", ")}`);
    }
}

/** ACME: only Distribution 3.x answers a challenge CAs still offer, for DNS names, on one instance. */
function findAcmeProblems(s: TlsSettings, context: TlsContext, problems: Problems): void {
    if (context.major === 2) {
        problems.add(
            'tlsSource: "acme" is not allowed with Distribution 2.8 (registry:2); its ACME client only knows the TLS-SNI-01 challenge, which Let\'s Encrypt retired in 2019. Use registry:3, or tlsSource generated or provided',
        );
    }
    findAcmeNameProblems(s, context.names, problems);
    if (context.instanceCount > 1) {
        problems.add(
            `instances: ${context.instanceCount} instances cannot share tlsSource acme: each would order its own certificate for the shared name, and the CA's challenge reaches only one of them. ` +
                "Use tlsSource provided with a certificate for all of them (e.g. from your load balancer's or DNS-01 tooling), or a single instance",
        );
    }
    if (!Object.hasOwn(acmeDirectories, s.acmeDirectory) && !isHttpsUrl(s.acmeDirectory)) {
        problems.bad("acmeDirectory", s.acmeDirectory, `expected ${knownDirectories}, or the https URL of an ACME directory (e.g. https://ca.example.com/acme/acme/directory)`);
    }
    if (s.acmeEmail !== "" && !emailAddress.test(s.acmeEmail)) {
        problems.bad("acmeEmail", s.acmeEmail, "expected one email address such as ops@example.com (without mailto:), or empty for none");
    }
    if (!s.acmeCaCertificatesLookLikePem) {
        problems.add("acmeCaCertificates: holds no PEM certificate; expected the private ACME CA's certificates, each from -----BEGIN CERTIFICATE----- to -----END CERTIFICATE-----");
    }
}

/** The names an ACME CA can issue for over TLS-ALPN-01: DNS names with a dot, no wildcard; with Let's Encrypt, public ones. */
function findAcmeNameProblems(s: TlsSettings, names: TlsContext["names"], problems: Problems): void {
    for (const { key, name } of names) {
        if (typeof name !== "string") continue;
        if (isIpAddress(name)) {
            problems.add(
                notAllowed(
                    key,
                    name,
                    "with tlsSource acme every name must be a DNS name: the registry's ACME client (TLS-ALPN-01) obtains certificates for DNS names only. Use a DNS name, or tlsSource generated or provided",
                ),
            );
        } else if (!name.startsWith("*.") && !name.includes(".")) {
            problems.add(
                notAllowed(
                    key,
                    name,
                    "with tlsSource acme names need a dot: the registry's ACME client refuses single-label names (\"server name component count invalid\"), and CAs issue for registered domains only",
                ),
            );
        } else if (name.startsWith("*.")) {
            problems.add(
                notAllowed(
                    key,
                    name,
                    "with tlsSource acme names must be exact: a wildcard certificate needs the DNS-01 challenge, which the registry's ACME client cannot answer",
                ),
            );
        }
    }
    if (!Object.hasOwn(acmeDirectories, s.acmeDirectory)) return;
    for (const { key, name } of names) {
        const domain = typeof name === "string" ? privateTopLevelDomains.find((tld) => name.toLowerCase().endsWith(`.${tld}`)) : undefined;
        if (domain) {
            problems.bad(key, name, `with acmeDirectory ${s.acmeDirectory}: Let's Encrypt issues for public domains only, never under .${domain}; use a public name, or a private ACME CA's directory`);
        }
    }
}

function isHttpsUrl(value: string): boolean {
    if (typeof value !== "string" || !value.startsWith("https://")) return false;
    try {
        const url = new URL(value);
        return url.hostname !== "" && url.username === "" && url.password === "";
    } catch {
        return false;
    }
}

/**
 * Warnings, not errors: settings that deploy but may not do what the user expects. ACME's
 * TLS-ALPN-01 challenge connects to port 443 of each name; another port, or a loopback-only
 * bindAddress, works only behind a forward. Let's Encrypt's staging certificates chain to roots
 * no client trusts. Distribution 3.0 orders short-lived certificates anew on every connection.
 */
export function findTlsWarnings(s: TlsSettings, context: TlsContext): string[] {
    if (s.source !== "acme") return [];
    const warnings: string[] = [];
    if (context.imageTag !== undefined && /^v?3\.0(\.|-|$)/.test(context.imageTag)) {
        warnings.push(
            `image: tag ${context.imageTag} with tlsSource acme: Distribution 3.0 renews 30 days before expiry whatever the lifetime, so a CA issuing shorter certificates (step-ca: 24 hours) gets a new order on every connection; use 3.1 or later, which renews after two thirds of the lifetime`,
        );
    }
    if (/^127\.|^::1$/.test(context.bindAddress)) {
        warnings.push(
            `bindAddress: ${context.bindAddress} with tlsSource acme: the registry is published on loopback only, so the ACME CA reaches it only through a forward on this host (e.g. a TLS passthrough proxy on port 443); set bindAddress to 0.0.0.0 to publish it`,
        );
    }
    if (context.port !== 443) {
        warnings.push(
            `port: ${context.port} with tlsSource acme: the ACME CA checks each name with a TLS-ALPN-01 challenge on port 443, so port 443 of every name must reach ` +
                `this registry's port ${context.port} (a port forward or load balancer passing TLS through), or the registry gets no certificate. Set port to 443 to publish it there directly`,
        );
    }
    if (s.acmeDirectory === "letsencrypt-staging" && !s.providedAcmeCaCertificates) {
        warnings.push(
            "acmeDirectory: letsencrypt-staging issues certificates no client trusts; for clients to pull, put the staging roots (https://letsencrypt.org/docs/staging-environment/) in acmeCaCertificates",
        );
    }
    return warnings;
}
