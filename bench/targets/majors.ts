/**
 * The Distribution majors the deployed container is measured on: 2 (2.8, the component's
 * default, on which every other comparison is made) and 3 (3.1), each from its test image.
 */
import { imageTag, RegistryMajor } from "../../components/version/args";
import { testImages } from "../../tests/kit/registry/testRegistry";

/** "Distribution 2.8.2", "Distribution 3.1.2": the version the test image's tag names. */
export const majorLabel = (major: RegistryMajor) => `Distribution ${imageTag(testImages[major]) ?? major}`;

/** The short version of a major's image, "2.8" or "3.1", for ratios such as 3.1 / 2.8. */
export const majorShort = (major: RegistryMajor) => (imageTag(testImages[major]) ?? `${major}`).split(".").slice(0, 2).join(".");
