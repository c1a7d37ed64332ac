import { Problems } from "../shared/problems";
import { tlsKeyAlgorithms, TlsSettings, validityHoursRange } from "./args";

/** Problems of the certificate settings: a provided certificate needs its key; generated ones need sane lifetimes. */
export function findTlsProblems(s: TlsSettings): string[] {
    const problems = new Problems();
    if (s.providedCaCertificate && !s.providedCertificate) {
        problems.add("tlsCaCertificate: is set but tlsCertificate is not; it names the CA of a certificate you provide (the generated CA needs no setting)");
    }
    if (s.providedCertificate !== s.providedPrivateKey) {
        problems.add(
            s.providedCertificate
                ? "tlsCertificate: is set but tlsPrivateKey is not; a provided certificate needs its private key (set both as secrets, or neither to generate a CA)"
                : "tlsPrivateKey: is set but tlsCertificate is not; set both as secrets, or neither to generate a CA",
        );
    }
    if (s.providedCertificate) {
        return problems.lines;
    }
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
    return problems.lines;
}
