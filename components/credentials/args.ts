/** The registry's users: their names, how their passwords are generated, and how they are hashed. */
import { withDefaults, WholeNumberRange } from "../shared/settings";

/** The credentials part of the component's arguments. */
export interface CredentialsArgs {
    /** Registry user names; each gets a generated password. Default `["admin"]`. */
    users?: string[];
    /** Length of generated passwords, 16 to 72. Default `32`. */
    passwordLength?: number;
    /** Use upper-case letters in passwords. Default `true`. */
    passwordUpper?: boolean;
    /** Use lower-case letters in passwords. Default `true`. */
    passwordLower?: boolean;
    /** Use digits in passwords. Default `true`. */
    passwordNumeric?: boolean;
    /**
     * Use special characters in passwords. Default `false`: they add little entropy per
     * character and break naive shell quoting in CI scripts.
     */
    passwordSpecial?: boolean;
    /**
     * Any string; changing it generates new passwords for every user (a deliberate rotation).
     * Default `""`.
     */
    passwordRotation?: string;
    /**
     * bcrypt cost of the htpasswd entries, 4 to 17. The registry checks the hash on every
     * request (a push of 50 layers makes about 200), so each step doubles the CPU of every
     * authenticated request. Default `4`, bcrypt's minimum: the passwords are random (about
     * 190 bits), so a slower hash adds load and no protection (`npm run bench` measures it).
     */
    bcryptCost?: number;
}

export const credentialsDefaults = {
    users: ["admin"],
    passwordLength: 32,
    passwordUpper: true,
    passwordLower: true,
    passwordNumeric: true,
    passwordSpecial: false,
    passwordRotation: "",
    bcryptCost: 4,
};

/** Bounds, written once: validation checks them, and the htpasswd renderer refuses anything else. */
export const credentialsRanges = {
    /** bcrypt reads at most 72 bytes of a password. */
    passwordLength: { min: 16, max: 72 },
    /** bcrypt's minimum; 17 already takes seconds per request on a small host. */
    bcryptCost: { min: 4, max: 17 },
} satisfies Record<string, WholeNumberRange>;

/** The credentials settings with defaults filled in. */
export type CredentialsSettings = typeof credentialsDefaults;

export function resolveCredentials(args: CredentialsArgs): CredentialsSettings {
    return withDefaults(credentialsDefaults, args);
}
