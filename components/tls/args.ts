/**
 * The registry's TLS: a generated CA and server certificate, a certificate you provide, or one
 * the registry obtains itself from an ACME CA (Let's Encrypt, or a private one such as step-ca).
 */
import type * as pulumi from "@pulumi/pulumi";
import { isGiven, withDefaults } from "../shared/settings";
import type { DeployedServerCertificate } from "./renewal";

/** Key algorithm for the generated CA and server keys. */
export type TlsKeyAlgorithm = "ECDSA" | "RSA";
export const tlsKeyAlgorithms: readonly TlsKeyAlgorithm[] = ["ECDSA", "RSA"];

/**
 * Where the server certificate comes from: `generated` (a CA of this stack signs it), `provided`
 * (yours, in `tlsCertificate`), or `acme` (the registry obtains and renews it from an ACME CA).
 */
export type TlsSource = "generated" | "provided" | "acme";
export const tlsSources: readonly TlsSource[] = ["generated", "provided", "acme"];

/** The ACME directories known by name; any other directory is given by its https URL. */
export const acmeDirectories = {
    letsencrypt: "https://acme-v02.api.letsencrypt.org/directory",
    "letsencrypt-staging": "https://acme-staging-v02.api.letsencrypt.org/directory",
} as const;
export type AcmeDirectoryName = keyof typeof acmeDirectories;

/** The TLS part of the component's arguments. */
export interface TlsArgs {
    /**
     * Where the server certificate comes from: `generated`, `provided` or `acme` (Distribution
     * 3.x only; see the `acme*` settings). Default `provided` when {@link tlsCertificate} is set,
     * else `generated`.
     */
    tlsSource?: TlsSource;
    /** Validity of the generated server certificate, in hours. Default `8760` (one year). */
    tlsValidityHours?: number;
    /**
     * How many hours before expiry `pulumi up` replaces the generated server certificate.
     * Default `720` (30 days).
     */
    tlsEarlyRenewalHours?: number;
    /** Validity of the generated CA certificate, in hours. Default `87600` (ten years). */
    caValidityHours?: number;
    /** Key algorithm of the generated keys: `ECDSA` (P-256) or `RSA` (3072 bits). Default `ECDSA`. */
    tlsKeyAlgorithm?: TlsKeyAlgorithm;
    /**
     * A certificate you provide instead of the generated CA (PEM, the server certificate
     * followed by its intermediates). Requires {@link tlsPrivateKey}. Mark it secret.
     */
    tlsCertificate?: pulumi.Input<string>;
    /** The private key (PEM) of {@link tlsCertificate}. Must be a secret. */
    tlsPrivateKey?: pulumi.Input<string>;
    /**
     * The CA certificate (PEM) that issued {@link tlsCertificate}, exported for clients that
     * must trust it. Leave unset for a certificate from a public CA.
     */
    tlsCaCertificate?: pulumi.Input<string>;
    /**
     * With `tlsSource: acme`: the contact address of the ACME account, for CAs that write to
     * it (Let's Encrypt stopped storing them in 2025). Default: none.
     */
    acmeEmail?: string;
    /**
     * With `tlsSource: acme`: the ACME directory, `letsencrypt` (production), `letsencrypt-staging`
     * (untrusted test certificates, generous rate limits), or the https URL of any ACME
     * directory, such as a private step-ca. Default `letsencrypt`.
     */
    acmeDirectory?: string;
    /**
     * With `tlsSource: acme` and a private ACME CA: its CA certificates (PEM, one or more). The
     * registry trusts them, beside the public roots, to reach the directory; clients install them
     * to trust the certificates it issues. Leave unset for Let's Encrypt.
     */
    acmeCaCertificates?: pulumi.Input<string>;
    /**
     * What this stack's last deployment served: its `serverCertificatePem` and
     * `serverCertificateRenewal` outputs. With a generated certificate, the component renews it
     * once the one served is within `tlsEarlyRenewalHours` of expiry. The stack program passes
     * them (read from the stack itself); without them the tls provider alone decides. Default: none.
     */
    deployedServerCertificate?: pulumi.Input<DeployedServerCertificate | undefined>;
}

export const tlsDefaults = {
    tlsValidityHours: 8760,
    tlsEarlyRenewalHours: 720,
    caValidityHours: 87600,
    tlsKeyAlgorithm: "ECDSA" as TlsKeyAlgorithm,
    acmeEmail: "",
    acmeDirectory: "letsencrypt",
};

/** Bounds of the validity settings (a hundred years at most). */
export const validityHoursRange = { min: 1, max: 876000 } as const;

/** The TLS settings with defaults filled in, and which certificate inputs were given (never their values). */
export type TlsSettings = typeof tlsDefaults & {
    /** `tlsSource`, or its default. */
    source: TlsSource;
    /** True when the user provides the certificate (no CA is generated). */
    providedCertificate: boolean;
    /** True when a key was given with the provided certificate. */
    providedPrivateKey: boolean;
    /** True when the CA of the provided certificate was given. */
    providedCaCertificate: boolean;
    /** True when `acmeCaCertificates` was given. */
    providedAcmeCaCertificates: boolean;
    /** False when `acmeCaCertificates` is known (not an Output) and holds no PEM certificate. */
    acmeCaCertificatesLookLikePem: boolean;
};

export function resolveTls(args: TlsArgs): TlsSettings {
    const providedCertificate = isGiven(args.tlsCertificate);
    const acmeCa = args.acmeCaCertificates;
    return {
        ...withDefaults(tlsDefaults, args),
        // "" is Pulumi.yaml's "not set", as for every optional text.
        acmeDirectory: args.acmeDirectory || tlsDefaults.acmeDirectory,
        source: args.tlsSource || (providedCertificate ? "provided" : "generated"),
        providedCertificate,
        providedPrivateKey: isGiven(args.tlsPrivateKey),
        providedCaCertificate: isGiven(args.tlsCaCertificate),
        providedAcmeCaCertificates: isGiven(acmeCa),
        acmeCaCertificatesLookLikePem: typeof acmeCa !== "string" || acmeCa === "" || acmeCa.includes("-----BEGIN CERTIFICATE-----"),
    };
}

/** The directory URL of `acmeDirectory`: a known name's URL, else the value itself (validation checks it is https). */
export function acmeDirectoryUrl(directory: string): string {
    return Object.hasOwn(acmeDirectories, directory) ? acmeDirectories[directory as AcmeDirectoryName] : directory;
}

/** True when clients must install a CA to trust the registry: false only for a publicly trusted certificate. */
export function clientsNeedCa(s: TlsSettings): boolean {
    switch (s.source) {
        case "generated":
            return true;
        case "provided":
            return s.providedCaCertificate;
        case "acme":
            return s.providedAcmeCaCertificates;
    }
}
