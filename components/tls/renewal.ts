/**
 * When the generated server certificate is renewed: the program's own decision, from the
 * validity of the certificate the last deployment served.
 *
 * The tls provider has the same rule (ModifyPlan marks `ready_for_renewal` and asks for a
 * replacement once `validity_end_time - early_renewal_hours` has passed), but Pulumi users have
 * seen it not happen (pulumi/pulumi-tls#39). The program therefore decides as well, from the
 * certificate the stack exported last time, and hands the decision to the engine as the server
 * certificate's `replacementTrigger`: a value that changes only when a renewal is due.
 */
import { createHash, X509Certificate } from "node:crypto";

/** What the last deployment of this stack served and decided (its outputs); nothing on a new stack. */
export interface DeployedServerCertificate {
    /** The server certificate (PEM) the stack exported. */
    certificatePem?: string;
    /** The renewal trigger the stack exported ({@link serverCertificateRenewal}). */
    renewal?: string;
}

/** Recorded before any renewal was decided. */
const firstRenewal = "first";

/** True once `now` is at or past the certificate's expiry minus `earlyRenewalHours` (the tls provider's rule). */
export function renewalDue(certificatePem: string, earlyRenewalHours: number, now: Date): boolean {
    const notAfter = new Date(new X509Certificate(certificatePem).validTo);
    return now.getTime() >= notAfter.getTime() - earlyRenewalHours * 3_600_000;
}

/**
 * The server certificate's replacement trigger. It stays what the last deployment recorded
 * until the certificate that deployment served is due; then it names that certificate, which
 * differs from the recorded value, and the engine replaces the server certificate (and so the
 * containers that upload it). The new certificate is not due, so the value then stays.
 * The first deployment records a baseline: the engine never replaces on a trigger it had none of.
 */
export function serverCertificateRenewal(deployed: DeployedServerCertificate | undefined, earlyRenewalHours: number, now: Date): string {
    if (!deployed?.renewal) return firstRenewal;
    if (deployed.certificatePem && renewalDue(deployed.certificatePem, earlyRenewalHours, now)) {
        return `renewed-${createHash("sha256").update(deployed.certificatePem).digest("hex").slice(0, 16)}`;
    }
    return deployed.renewal;
}
