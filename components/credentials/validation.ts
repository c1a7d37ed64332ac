import { Problems } from "../shared/problems";
import { CredentialsSettings, credentialsRanges } from "./args";

const userName = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;

/** Problems of the user names and the password and hash settings. */
export function findCredentialsProblems(s: CredentialsSettings): string[] {
    const problems = new Problems();
    if (s.users.length === 0) {
        problems.add("users: is empty; list at least one user name");
    }
    s.users.forEach((user, i) => {
        if (typeof user !== "string" || !userName.test(user)) {
            problems.bad(`users[${i}]`, user, "expected 1-64 characters from letters, digits and . _ @ - (starting with a letter or digit)");
        } else if (s.users.indexOf(user) !== i) {
            problems.bad(`users[${i}]`, user, "each user name may be listed once");
        }
    });
    problems.wholeNumber("passwordLength", s.passwordLength, credentialsRanges.passwordLength, "(bcrypt ignores bytes past 72)");
    if (!(s.passwordUpper || s.passwordLower || s.passwordNumeric || s.passwordSpecial)) {
        problems.bad("passwordUpper/passwordLower/passwordNumeric/passwordSpecial", false, "enable at least one character class");
    }
    problems.wholeNumber("bcryptCost", s.bcryptCost, credentialsRanges.bcryptCost);
    return problems.lines;
}
