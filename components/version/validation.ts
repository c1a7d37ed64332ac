import { Problems } from "../shared/problems";
import { isRegistryMajor, registryMajors, RegistryVersionSettings } from "./args";

const majors = registryMajors.join(" or ");

/**
 * Problems of the registry version: a major the component has no config for, a tag and a
 * setting that disagree, or an image whose version nothing tells. A malformed image
 * (`imageWellFormed` false) is the deployment's problem to report: its tag tells nothing.
 */
export function findVersionProblems(v: RegistryVersionSettings, imageWellFormed: boolean): string[] {
    const problems = new Problems();
    const givenOk = v.given === undefined || isRegistryMajor(v.given);
    if (!givenOk) {
        problems.bad("registryVersion", v.given, `expected ${majors}: the CNCF Distribution majors this component renders configs for`);
    }
    if (!imageWellFormed) return problems.lines;
    if (v.tagMajor !== undefined && !isRegistryMajor(v.tagMajor)) {
        problems.bad("image", v.image, `its tag names Distribution ${v.tagMajor}; this component renders configs for Distribution ${majors} (e.g. registry:2 or registry:3)`);
    } else if (v.tagMajor !== undefined && v.given !== undefined && givenOk && v.given !== v.tagMajor) {
        problems.bad("registryVersion", v.given, `image ${v.image} names Distribution ${v.tagMajor} in its tag; leave registryVersion unset or set it to ${v.tagMajor}`);
    } else if (v.tagMajor === undefined && v.given === undefined) {
        const what = v.tag === undefined ? "has no version tag" : `has the tag "${v.tag}", which names no version`;
        problems.bad(
            "image",
            v.image,
            `it ${what}, so the registry's major version is unknown (2.x and 3.x read different config files); ` +
                `use a version tag such as registry:3 or registry:2.8.3, or set registryVersion to ${majors}`,
        );
    }
    return problems.lines;
}
