/**
 * The Distribution majors the deployed container is measured on: 2 (2.8, the component's
 * default, on which every other comparison is made) and 3 (3.1), each from its test image.
 */
import type { RegistryMajor } from "../../components/version/args";
import { testVersions } from "../../tests/kit/registry/testRegistry";

/** "Distribution 2.8.2", "Distribution 3.1.2": the test image's version. */
export const majorLabel = (major: RegistryMajor) => `Distribution ${testVersions[major]}`;

/** The short version of a major's image, "2.8" or "3.1", for ratios such as 3.1 / 2.8. */
export const majorShort = (major: RegistryMajor) => testVersions[major].split(".").slice(0, 2).join(".");
