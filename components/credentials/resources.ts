import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { CredentialsSettings } from "./args";
import { bcryptHash, bcryptSalt, bcryptSaltBytes, renderHtpasswd } from "./htpasswd";

/** Generated credentials of the registry's users. */
export interface RegistryCredentials {
    /** Password per user name, secret. */
    passwords: pulumi.Output<Record<string, string>>;
    /** The htpasswd file the registry reads, secret. */
    htpasswd: pulumi.Output<string>;
}

/**
 * One `RandomPassword` and one `RandomBytes` salt per user. Both keep their values until their
 * keepers change (`passwordRotation`), so the bcrypt hash, computed here from the stored salt,
 * is byte-identical on every `pulumi up`.
 */
export function generateCredentials(name: string, s: CredentialsSettings, parent: pulumi.Resource): RegistryCredentials {
    const perUser = s.users.map((user) => {
        const keepers = { user, rotation: s.passwordRotation };
        const password = new random.RandomPassword(
            `${name}-password-${user}`,
            {
                length: s.passwordLength,
                upper: s.passwordUpper,
                lower: s.passwordLower,
                numeric: s.passwordNumeric,
                special: s.passwordSpecial,
                minUpper: s.passwordUpper ? 1 : 0,
                minLower: s.passwordLower ? 1 : 0,
                minNumeric: s.passwordNumeric ? 1 : 0,
                minSpecial: s.passwordSpecial ? 1 : 0,
                keepers,
            },
            { parent, additionalSecretOutputs: ["result", "bcryptHash"] },
        );
        const salt = new random.RandomBytes(
            `${name}-salt-${user}`,
            { length: bcryptSaltBytes, keepers },
            { parent, additionalSecretOutputs: ["base64", "hex"] },
        );
        const hash = pulumi
            .all([password.result, salt.base64])
            .apply(([secret, saltBase64]) => bcryptHash(secret, bcryptSalt(saltBase64, s.bcryptCost)));
        return { user, password: password.result, hash };
    });

    const passwords = pulumi
        .all(perUser.map(({ user, password }) => pulumi.all([user, password])))
        .apply((pairs) => Object.fromEntries(pairs));
    const htpasswd = pulumi
        .all(perUser.map(({ hash }) => hash))
        .apply((hashes) => renderHtpasswd(hashes.map((hash, i) => ({ user: perUser[i].user, hash }))));
    return { passwords: pulumi.secret(passwords), htpasswd: pulumi.secret(htpasswd) };
}

/** The secret that signs upload state (`http.secret`); shared by every instance. */
export function generateHttpSecret(name: string, parent: pulumi.Resource): pulumi.Output<string> {
    const secret = new random.RandomPassword(
        `${name}-http-secret`,
        { length: 64, special: false },
        { parent, additionalSecretOutputs: ["result", "bcryptHash"] },
    );
    return pulumi.secret(secret.result);
}
