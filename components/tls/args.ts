/** The registry's TLS: a generated CA and server certificate, or a certificate you provide. */
import type * as pulumi from "@pulumi/pulumi";
import { isGiven, withDefaults } from "../shared/settings";

/** Key algorithm for the generated CA and server keys. */
export type TlsKeyAlgorithm = "ECDSA" | "RSA";
export const tlsKeyAlgorithms: readonly TlsKeyAlgorithm[] = ["ECDSA", "RSA"];

/** The TLS part of the component's arguments. */
export interface TlsArgs {
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
}

export const tlsDefaults = {
    tlsValidityHours: 8760,
    tlsEarlyRenewalHours: 720,
    caValidityHours: 87600,
    tlsKeyAlgorithm: "ECDSA" as TlsKeyAlgorithm,
};

/** Bounds of the validity settings (a hundred years at most). */
export const validityHoursRange = { min: 1, max: 876000 } as const;

/** The TLS settings with defaults filled in, and which certificate inputs were given (never their values). */
export type TlsSettings = typeof tlsDefaults & {
    /** True when the user provides the certificate (no CA is generated). */
    providedCertificate: boolean;
    /** True when a key was given with the provided certificate. */
    providedPrivateKey: boolean;
    /** True when the CA of the provided certificate was given. */
    providedCaCertificate: boolean;
};

export function resolveTls(args: TlsArgs): TlsSettings {
    return {
        ...withDefaults(tlsDefaults, args),
        providedCertificate: isGiven(args.tlsCertificate),
        providedPrivateKey: isGiven(args.tlsPrivateKey),
        providedCaCertificate: isGiven(args.tlsCaCertificate),
    };
}
