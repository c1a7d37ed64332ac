/**
 * Reads the one regular file out of the tar stream `docker cp CONTAINER:PATH -` writes, so a
 * file of a stopped container can be read without touching the local disk.
 */
export function singleFileFromTar(tar: Buffer): Buffer {
    let offset = 0;
    while (offset + 512 <= tar.length) {
        const header = tar.subarray(offset, offset + 512);
        if (header.every((b) => b === 0)) break;
        const size = parseInt(header.subarray(124, 136).toString("latin1").replace(/\0.*$/s, "").trim() || "0", 8);
        const type = String.fromCharCode(header[156] ?? 0);
        const body = offset + 512;
        // "0" or NUL is a regular file; PAX ("x", "g") and GNU long-name ("L") records are skipped.
        if (type === "0" || type === "\0") return tar.subarray(body, body + size);
        offset = body + Math.ceil(size / 512) * 512;
    }
    throw new Error("the tar stream holds no regular file");
}
