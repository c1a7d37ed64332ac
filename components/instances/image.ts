/**
 * Which image the registry containers run. A tag (`registry:2`) floats: the registry it comes
 * from may point it at a new image (security fixes). The docker provider pulls only when no
 * local image answers to the resource's name (a replaced image resource finds the old tag and
 * pulls nothing), so the program looks the tag's digest up on every `up` and names the image
 * `<tag>@<digest>`: a moved tag is a new name, which Docker has not got, so it is pulled, and
 * the containers on its new ID are replaced (data kept). A reference pinned to a digest never
 * moves and needs no lookup.
 */

/** True for `name[:tag]@sha256:<64 hex>`: an immutable reference. */
export function isPinnedToDigest(image: string): boolean {
    return /@sha256:[0-9a-f]{64}$/.test(image);
}

/** The image resource's name: the reference itself when pinned, else the tag at the digest it points to now. */
export function imageAtDigest(image: string, digest: string): string {
    return isPinnedToDigest(image) ? image : `${image}@${digest}`;
}
