import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import { isGiven } from "../shared/settings";
import type { TlsArgs, TlsSettings } from "./args";
import { caCertificateSpec, keySpec, serverCertificateSpec } from "./certificates";

/** The TLS material the registry serves with. */
export interface RegistryTls {
    /** Server certificate (PEM), followed by intermediates when provided. */
    certificatePem: pulumi.Output<string>;
    /** Server private key (PEM), secret. */
    privateKeyPem: pulumi.Output<string>;
    /** The CA clients must trust, when there is one of ours or the user gave one. */
    caCertificatePem: pulumi.Output<string | undefined>;
}

// The tls provider marks keys sensitive; saying so again keeps them secret in every engine path.
const keySecrets = ["privateKeyPem", "privateKeyPemPkcs8", "privateKeyOpenssh"];

/**
 * Declares a CA and a server certificate signed by it. The tls provider does not renew by
 * itself: `earlyRenewalHours` makes a `pulumi up` inside that window replace the certificate.
 * `names` are every name clients use; the first is the Common Name.
 */
function generateTls(name: string, s: TlsSettings, names: readonly string[], parent: pulumi.Resource): RegistryTls {
    const opts = { parent };
    const key = keySpec(s.tlsKeyAlgorithm);
    const ca = caCertificateSpec(name, s);
    const server = serverCertificateSpec(s, names);

    const caKey = new tls.PrivateKey(`${name}-ca-key`, key, { ...opts, additionalSecretOutputs: keySecrets });
    const caCert = new tls.SelfSignedCert(`${name}-ca-cert`, { privateKeyPem: caKey.privateKeyPem, ...ca }, opts);

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
        opts,
    );
    return {
        certificatePem: serverCert.certPem,
        privateKeyPem: pulumi.secret(serverKey.privateKeyPem),
        caCertificatePem: caCert.certPem,
    };
}

/** Wraps a user-provided certificate and key; no CA is generated. */
function providedTls(
    certificate: pulumi.Input<string>,
    privateKey: pulumi.Input<string>,
    caCertificate: pulumi.Input<string> | undefined,
): RegistryTls {
    return {
        certificatePem: pulumi.output(certificate),
        privateKeyPem: pulumi.secret(privateKey),
        caCertificatePem: pulumi.output(caCertificate),
    };
}

/** The user's certificate when one is given (validation made sure the key is too), else a generated CA and certificate. */
export function declareTls(name: string, args: TlsArgs, s: TlsSettings, names: readonly string[], parent: pulumi.Resource): RegistryTls {
    return isGiven(args.tlsCertificate) && isGiven(args.tlsPrivateKey)
        ? providedTls(args.tlsCertificate, args.tlsPrivateKey, isGiven(args.tlsCaCertificate) ? args.tlsCaCertificate : undefined)
        : generateTls(name, s, names, parent);
}
