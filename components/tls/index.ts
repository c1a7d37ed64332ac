export { TlsArgs, TlsKeyAlgorithm, TlsSettings, resolveTls, tlsDefaults } from "./args";
export { findTlsProblems } from "./validation";
export { CertificateSpec, KeySpec, caCertificateSpec, keySpec, serverCertificateSpec } from "./certificates";
