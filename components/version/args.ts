/**
 * Which CNCF Distribution major the registry image runs. It decides the config's keys, the
 * paths of the files in the container and the settings that exist: 2.8 (`registry:2`) and 3.x
 * (`registry:3`, which `registry:latest` now is) differ in all three.
 */

/** The Distribution majors this component renders configs for. */
export type RegistryMajor = 2 | 3;
export const registryMajors: readonly RegistryMajor[] = [2, 3];

/** The version part of the component's arguments. */
export interface RegistryVersionArgs {
    /**
     * Major version of CNCF Distribution in `image`: 2 or 3. Needed only when the image's tag
     * does not say it (`registry:latest`, a digest without a tag, a tag of your own); when the
     * tag says it (`registry:3`, `registry:2.8.3`, `ghcr.io/org/registry:3.1.2@sha256:…`), it
     * must agree. Default: the tag's major.
     */
    registryVersion?: RegistryMajor;
}

/** The major as resolved: from the tag, from the setting, and the one the component uses. */
export interface RegistryVersionSettings {
    /** The image reference it was read from. */
    image: string;
    /** The tag, if the reference has one. */
    tag?: string;
    /** The major the tag names, if it reads as a version (`3`, `3.1`, `v2.8.3`, `3.0.0-rc.1`). */
    tagMajor?: number;
    /** `registryVersion` as given. */
    given?: number;
    /** The major used: the tag's, else the given one; undefined when neither tells it (a problem). */
    major?: RegistryMajor;
}

/** A version tag: an optional `v`, a major of at most 3 digits (not a date), up to two more numbers, a suffix. */
const versionTag = /^v?([0-9]{1,3})(?:\.[0-9]+){0,2}(?:[-+][0-9A-Za-z.+-]*)?$/;

/** The tag of an image reference (`[host[:port]/]path[:tag][@digest]`), if it has one. */
function imageTag(image: string): string | undefined {
    const withoutDigest = image.split("@")[0];
    const lastPart = withoutDigest.slice(withoutDigest.lastIndexOf("/") + 1);
    const colon = lastPart.indexOf(":");
    return colon >= 0 ? lastPart.slice(colon + 1) : undefined;
}

/** The major version a tag names, if it reads as a version. */
function tagMajor(tag: string | undefined): number | undefined {
    const m = tag === undefined ? null : versionTag.exec(tag);
    return m ? Number(m[1]) : undefined;
}

/** True for 2 or 3. */
export function isRegistryMajor(value: unknown): value is RegistryMajor {
    return registryMajors.includes(value as RegistryMajor);
}

/** The major from the image's tag, else from `registryVersion`. Pure; problems are found by validation. */
export function resolveRegistryVersion(image: string, args: RegistryVersionArgs): RegistryVersionSettings {
    const tag = imageTag(image);
    const fromTag = tagMajor(tag);
    const given = args.registryVersion;
    const major = fromTag !== undefined ? fromTag : given;
    return {
        image,
        ...(tag !== undefined ? { tag } : {}),
        ...(fromTag !== undefined ? { tagMajor: fromTag } : {}),
        ...(given !== undefined ? { given } : {}),
        ...(isRegistryMajor(major) ? { major } : {}),
    };
}
