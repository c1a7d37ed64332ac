import { subjectAltNames } from "../shared/hostnames";
import type { TlsKeyAlgorithm, TlsSettings } from "./args";

/** Key parameters in the tls provider's terms (`tls.PrivateKey` arguments). */
export interface KeySpec {
    algorithm: TlsKeyAlgorithm;
    ecdsaCurve?: "P256";
    rsaBits?: number;
}

/** A certificate as the tls provider's `SelfSignedCert`/`LocallySignedCert` describe it. */
export interface CertificateSpec {
    subject: { commonName: string; organization: string };
    isCaCertificate: boolean;
    validityPeriodHours: number;
    earlyRenewalHours: number;
    /** Key usages and extended key usages, in the tls provider's names. */
    allowedUses: string[];
    dnsNames: string[];
    ipAddresses: string[];
}

const organization = "private-registry";

/** ECDSA P-256 by default; RSA at 3072 bits (NIST's recommendation past 2030). */
export function keySpec(algorithm: TlsKeyAlgorithm): KeySpec {
    return algorithm === "RSA" ? { algorithm, rsaBits: 3072 } : { algorithm, ecdsaCurve: "P256" };
}

/** The CA that signs the server certificate; clients install it. */
export function caCertificateSpec(component: string, s: TlsSettings): CertificateSpec {
    return {
        subject: { commonName: `${component} CA`, organization },
        isCaCertificate: true,
        validityPeriodHours: s.caValidityHours,
        earlyRenewalHours: s.tlsEarlyRenewalHours,
        allowedUses: ["cert_signing", "crl_signing", "digital_signature"],
        dnsNames: [],
        ipAddresses: [],
    };
}

/**
 * The registry's server certificate, one for every instance. Every name clients may use (the
 * shared hostnames, then each instance's own) goes into the SANs, DNS names and IP addresses
 * apart: clients match SANs only and ignore the Common Name, which is the first name.
 */
export function serverCertificateSpec(s: TlsSettings, names: readonly string[]): CertificateSpec {
    const sans = subjectAltNames(names);
    // key_encipherment only means something for RSA key exchange.
    const keyUses = s.tlsKeyAlgorithm === "RSA" ? ["digital_signature", "key_encipherment"] : ["digital_signature"];
    return {
        subject: { commonName: names[0], organization },
        isCaCertificate: false,
        validityPeriodHours: s.tlsValidityHours,
        earlyRenewalHours: s.tlsEarlyRenewalHours,
        allowedUses: [...keyUses, "server_auth"],
        dnsNames: sans.dnsNames,
        ipAddresses: sans.ipAddresses,
    };
}
