/**
 * What this stack's last deployment served, read from the stack itself: the component renews
 * the generated server certificate from it (components/tls/renewal.ts). A stack reference to
 * the running stack reads the outputs of its last completed update; a new stack has none.
 */
import * as pulumi from "@pulumi/pulumi";
import type { DeployedServerCertificate } from "../components/tls/renewal";

/** The stack outputs it reads; index.ts exports them under these names. */
const deployedCertificateOutputs = { certificatePem: "serverCertificatePem", renewal: "serverCertificateRenewal" } as const;

/** The last deployment's server certificate and renewal trigger, through a reference to this very stack. */
export function deployedServerCertificate(): pulumi.Output<DeployedServerCertificate> {
    const self = new pulumi.StackReference("this-stack", { name: `${pulumi.getOrganization()}/${pulumi.getProject()}/${pulumi.getStack()}` });
    const text = (name: string) => self.getOutput(name).apply((v: unknown) => (typeof v === "string" && v !== "" ? v : undefined));
    return pulumi.all([text(deployedCertificateOutputs.certificatePem), text(deployedCertificateOutputs.renewal)]).apply(([certificatePem, renewal]) => ({ certificatePem, renewal }));
}
