/**
 * What this stack's last deployment served, read from the stack itself: the component renews
 * the generated server certificate from it (components/tls/renewal.ts). A stack reference to
 * the running stack reads the outputs of its last completed update; a new stack has none.
 */
import * as pulumi from "@pulumi/pulumi";
import type { DeployedServerCertificate } from "../components/tls/renewal";

/** The stack outputs it reads; index.ts exports them under these names. */
const deployedCertificateOutputs = { certificatePem: "serverCertificatePem", renewal: "serverCertificateRenewal" } as const;

/**
 * This stack's name for a stack reference. A DIY backend (its organization is always
 * "organization") takes the bare stack name, the only form its legacy layout accepts, and reads
 * it in the current project; Pulumi Cloud needs the organization, which may not be the user's default.
 */
function thisStackName(): string {
    const organization = pulumi.getOrganization();
    return organization === "organization" ? pulumi.getStack() : `${organization}/${pulumi.getProject()}/${pulumi.getStack()}`;
}

/**
 * The last deployment's server certificate and renewal trigger, through a reference to this very
 * stack. The reference records every output of the stack in its state (secrets stay encrypted),
 * so it is declared only where it is used: with a generated certificate.
 */
export function deployedServerCertificate(): pulumi.Output<DeployedServerCertificate> {
    const self = new pulumi.StackReference("this-stack", { name: thisStackName() });
    const text = (name: string) => self.getOutput(name).apply((v: unknown) => (typeof v === "string" && v !== "" ? v : undefined));
    return pulumi.all([text(deployedCertificateOutputs.certificatePem), text(deployedCertificateOutputs.renewal)]).apply(([certificatePem, renewal]) => ({ certificatePem, renewal }));
}
