/**
 * Stand-in for the tls provider in tests: makes real keys and certificates with openssl from
 * exactly the inputs the component gives tls.PrivateKey / SelfSignedCert / CertRequest /
 * LocallySignedCert, so the registry can be started with TLS material of the same specification.
 */
import { execFile } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import type * as pulumi from "@pulumi/pulumi";
import type * as tls from "@pulumi/tls";
import { withTempDir } from "../host/tempDirs";

const run = promisify(execFile);

type Subject = pulumi.Unwrap<tls.SelfSignedCertArgs>["subject"];

const keyUsageNames: Record<string, string> = {
    cert_signing: "keyCertSign",
    crl_signing: "cRLSign",
    digital_signature: "digitalSignature",
    key_encipherment: "keyEncipherment",
};
const extendedKeyUsageNames: Record<string, string> = { server_auth: "serverAuth", client_auth: "clientAuth" };

function inTempDir<T>(work: (dir: string) => Promise<T>): Promise<T> {
    return withTempDir("registry-tls-", work);
}

function subjectArg(subject: Subject | undefined): string {
    const parts = [];
    if (subject?.organization) parts.push(`/O=${subject.organization}`);
    if (subject?.commonName) parts.push(`/CN=${subject.commonName}`);
    return parts.join("") || "/";
}

function sanLine(dnsNames: string[] = [], ipAddresses: string[] = []): string | undefined {
    const sans = [...dnsNames.map((d) => `DNS:${d}`), ...ipAddresses.map((ip) => `IP:${ip}`)];
    return sans.length > 0 ? `subjectAltName = ${sans.join(", ")}` : undefined;
}

function usageLines(allowedUses: string[], isCa: boolean): string[] {
    const ku = allowedUses.filter((u) => keyUsageNames[u]).map((u) => keyUsageNames[u]);
    const eku = allowedUses.filter((u) => extendedKeyUsageNames[u]).map((u) => extendedKeyUsageNames[u]);
    const unknown = allowedUses.filter((u) => !keyUsageNames[u] && !extendedKeyUsageNames[u]);
    if (unknown.length > 0) throw new Error(`opensslTls: no mapping for allowedUses ${unknown.join(", ")}`);
    return [
        `basicConstraints = critical, CA:${isCa ? "TRUE" : "FALSE"}`,
        ...(ku.length > 0 ? [`keyUsage = critical, ${ku.join(", ")}`] : []),
        ...(eku.length > 0 ? [`extendedKeyUsage = ${eku.join(", ")}`] : []),
        "subjectKeyIdentifier = hash",
    ];
}

function required(value: string | undefined, what: string): string {
    if (!value) throw new Error(`opensslTls: ${what} is missing`);
    return value;
}

const days = (hours: number) => String(Math.max(1, Math.ceil(hours / 24)));

export async function privateKey(inputs: pulumi.Unwrap<tls.PrivateKeyArgs>) {
    const args =
        inputs.algorithm === "RSA"
            ? ["genpkey", "-algorithm", "RSA", "-pkeyopt", `rsa_keygen_bits:${inputs.rsaBits ?? 2048}`]
            : ["genpkey", "-algorithm", "EC", "-pkeyopt", `ec_paramgen_curve:${inputs.ecdsaCurve === "P384" ? "P-384" : "P-256"}`];
    const { stdout: privateKeyPem } = await run("openssl", args);
    return { privateKeyPem, publicKeyPem: "" };
}

export async function selfSignedCert(inputs: pulumi.Unwrap<tls.SelfSignedCertArgs>) {
    return inTempDir(async (dir) => {
        await writeFile(join(dir, "key.pem"), required(inputs.privateKeyPem, "privateKeyPem"));
        const ext = [...usageLines(inputs.allowedUses, inputs.isCaCertificate ?? false), sanLine(inputs.dnsNames, inputs.ipAddresses)];
        await writeFile(join(dir, "req.cnf"), ["[req]", "distinguished_name = dn", "[dn]", "[v3]", ...ext.filter(Boolean)].join("\n") + "\n");
        await run("openssl", ["req", "-x509", "-new", "-key", join(dir, "key.pem"), "-subj", subjectArg(inputs.subject),
            "-days", days(inputs.validityPeriodHours), "-config", join(dir, "req.cnf"), "-extensions", "v3", "-out", join(dir, "cert.pem")]);
        return { certPem: await readFile(join(dir, "cert.pem"), "utf8") };
    });
}

export async function certRequest(inputs: pulumi.Unwrap<tls.CertRequestArgs>) {
    return inTempDir(async (dir) => {
        await writeFile(join(dir, "key.pem"), required(inputs.privateKeyPem, "privateKeyPem"));
        const san = sanLine(inputs.dnsNames, inputs.ipAddresses);
        await writeFile(join(dir, "req.cnf"), `[req]\ndistinguished_name = dn\nreq_extensions = ext\n[dn]\n[ext]\n${san ?? ""}\n`);
        await run("openssl", ["req", "-new", "-key", join(dir, "key.pem"), "-subj", subjectArg(inputs.subject),
            "-config", join(dir, "req.cnf"), "-out", join(dir, "csr.pem")]);
        return { certRequestPem: await readFile(join(dir, "csr.pem"), "utf8") };
    });
}

export async function locallySignedCert(inputs: pulumi.Unwrap<tls.LocallySignedCertArgs>) {
    return inTempDir(async (dir) => {
        await writeFile(join(dir, "csr.pem"), inputs.certRequestPem);
        await writeFile(join(dir, "ca.key"), required(inputs.caPrivateKeyPem, "caPrivateKeyPem"));
        await writeFile(join(dir, "ca.pem"), inputs.caCertPem);
        // Like the tls provider: SANs come from the request, usages from this resource.
        await writeFile(join(dir, "ext.cnf"), usageLines(inputs.allowedUses, inputs.isCaCertificate ?? false).join("\n") + "\nauthorityKeyIdentifier = keyid\n");
        await run("openssl", ["x509", "-req", "-in", join(dir, "csr.pem"), "-CA", join(dir, "ca.pem"), "-CAkey", join(dir, "ca.key"),
            "-CAcreateserial", "-days", days(inputs.validityPeriodHours), "-copy_extensions", "copy",
            "-extfile", join(dir, "ext.cnf"), "-out", join(dir, "cert.pem")]);
        return { certPem: await readFile(join(dir, "cert.pem"), "utf8") };
    });
}
