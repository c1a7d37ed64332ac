import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import { isGiven } from "../shared/settings";
import { acmeOrder, AcmeOrder } from "./acme";
import type { TlsArgs, TlsSettings } from "./args";
import { caCertificateSpec, keySpec, serverCertificateSpec } from "./certificates";
import { serverCertificateRenewal } from "./renewal";

/** A certificate and key the registry serves from files. */
interface CertificateFiles {
    /** Server certificate (PEM), followed by intermediates when provided. */
    certificatePem: pulumi.Output<string>;
    /** Server private key (PEM), secret. */
    privateKeyPem: pulumi.Output<string>;
}

/** How the registry gets its certificate, and what clients must trust. */
export interface RegistryTls {
    /** The certificate and key to upload; undefined with ACME, where the registry obtains them itself. */
    files?: CertificateFiles;
    /** With ACME: what the registry orders, and from where. */
    acme?: AcmeOrder;
    /** With a private ACME CA: its CA certificates, which the registry trusts to reach the directory. */
    acmeCaCertificatesPem?: pulumi.Output<string>;
    /** The CA clients must trust: ours, the one given with a provided certificate, or the private ACME CA's; else undefined. */
    caCertificatePem: pulumi.Output<string | undefined>;
    /** With a generated certificate: its replacement trigger ({@link serverCertificateRenewal}); else undefined. */
    renewal: pulumi.Output<string | undefined>;
}

// The tls provider marks keys sensitive; saying so again keeps them secret in every engine path.
const keySecrets = ["privateKeyPem", "privateKeyPemPkcs8", "privateKeyOpenssh"];

/**
 * Declares a CA and a server certificate signed by it. Nothing renews by itself: a `pulumi up`
 * once the served certificate is within `earlyRenewalHours` of expiry replaces it, decided here
 * from the deployed certificate (./renewal.ts) and by the tls provider's own rule.
 * `names` are every name clients use; the first is the Common Name.
 */
function generateTls(name: string, s: TlsSettings, names: readonly string[], deployed: TlsArgs["deployedServerCertificate"], parent: pulumi.Resource): RegistryTls {
    const opts = { parent };
    const key = keySpec(s.tlsKeyAlgorithm);
    const ca = caCertificateSpec(name, s);
    const server = serverCertificateSpec(s, names);

    const caKey = new tls.PrivateKey(`${name}-ca-key`, key, { ...opts, additionalSecretOutputs: keySecrets });
    const caCert = new tls.SelfSignedCert(`${name}-ca-cert`, { privateKeyPem: caKey.privateKeyPem, ...ca }, opts);

    const renewal = pulumi.output(deployed).apply((d) => serverCertificateRenewal(d, s.tlsEarlyRenewalHours, new Date()));
    const serverKey = new tls.PrivateKey(`${name}-server-key`, key, { ...opts, additionalSecretOutputs: keySecrets });
    const request = new tls.CertRequest(
        `${name}-server-csr`,
        {
            privateKeyPem: serverKey.privateKeyPem,
            subject: server.subject,
            dnsNames: server.dnsNames,
            ipAddresses: server.ipAddresses,
        },
        opts,
    );
    const serverCert = new tls.LocallySignedCert(
        `${name}-server-cert`,
        {
            certRequestPem: request.certRequestPem,
            caPrivateKeyPem: caKey.privateKeyPem,
            caCertPem: caCert.certPem,
            isCaCertificate: server.isCaCertificate,
            validityPeriodHours: server.validityPeriodHours,
            earlyRenewalHours: server.earlyRenewalHours,
            allowedUses: server.allowedUses,
        },
        // The clock is read once per run; the trigger changes only when the served certificate is due.
        { ...opts, replacementTrigger: renewal },
    );
    return {
        files: { certificatePem: serverCert.certPem, privateKeyPem: pulumi.secret(serverKey.privateKeyPem) },
        caCertificatePem: caCert.certPem,
        renewal,
    };
}

/** Wraps a user-provided certificate and key; no CA is generated. */
function providedTls(
    certificate: pulumi.Input<string>,
    privateKey: pulumi.Input<string>,
    caCertificate: pulumi.Input<string> | undefined,
): RegistryTls {
    return {
        files: { certificatePem: pulumi.output(certificate), privateKeyPem: pulumi.secret(privateKey) },
        caCertificatePem: pulumi.output(caCertificate),
        renewal: pulumi.output(undefined),
    };
}

/**
 * Nothing to declare: the registry orders the certificate from the ACME CA itself, on the first
 * TLS connection for one of its names, and renews it. Clients trust a private ACME CA's certificates.
 */
function acmeTls(s: TlsSettings, names: readonly string[], caCertificates: pulumi.Input<string> | undefined): RegistryTls {
    const ca = caCertificates === undefined ? undefined : pulumi.output(caCertificates);
    return { acme: acmeOrder(s, names), acmeCaCertificatesPem: ca, caCertificatePem: ca ?? pulumi.output(undefined), renewal: pulumi.output(undefined) };
}

/** The certificate of the chosen source (validation made sure what it needs is given). */
export function declareTls(name: string, args: TlsArgs, s: TlsSettings, names: readonly string[], parent: pulumi.Resource): RegistryTls {
    if (s.source === "acme") return acmeTls(s, names, isGiven(args.acmeCaCertificates) ? args.acmeCaCertificates : undefined);
    if (s.source === "provided" && isGiven(args.tlsCertificate) && isGiven(args.tlsPrivateKey)) {
        return providedTls(args.tlsCertificate, args.tlsPrivateKey, isGiven(args.tlsCaCertificate) ? args.tlsCaCertificate : undefined);
    }
    return generateTls(name, s, names, args.deployedServerCertificate, parent);
}
