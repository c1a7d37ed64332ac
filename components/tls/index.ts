export {
    AcmeDirectoryName,
    TlsArgs,
    TlsKeyAlgorithm,
    TlsSettings,
    TlsSource,
    acmeDirectories,
    acmeDirectoryUrl,
    clientsNeedCa,
    resolveTls,
    tlsDefaults,
    tlsSources,
} from "./args";
export { AcmeOrder, acmeOrder } from "./acme";
export { findTlsProblems, findTlsWarnings } from "./validation";
export { CertificateSpec, KeySpec, caCertificateSpec, keySpec, serverCertificateSpec } from "./certificates";
