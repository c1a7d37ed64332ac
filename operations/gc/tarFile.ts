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

/**
 * A tar stream holding one regular file (owned by root), for `docker cp - CONTAINER:DIR`: how a
 * file goes into a container, running or stopped, without touching the local disk.
 */
export function tarWithFile(name: string, content: string, mode = 0o600): Buffer {
    const body = Buffer.from(content, "utf8");
    const header = Buffer.alloc(512);
    const field = (offset: number, length: number, value: string) => header.write(value, offset, length, "latin1");
    const octal = (offset: number, length: number, value: number) => field(offset, length, `${value.toString(8).padStart(length - 1, "0")}\0`);
    if (Buffer.byteLength(name) > 99) throw new Error(`tar name too long: ${name}`);
    field(0, 100, name);
    octal(100, 8, mode);
    octal(108, 8, 0);
    octal(116, 8, 0);
    octal(124, 12, body.length);
    octal(136, 12, 0);
    field(156, 1, "0");
    field(257, 6, "ustar\0");
    field(263, 2, "00");
    // The checksum is computed with its own field as spaces.
    field(148, 8, "        ");
    const sum = header.reduce((total, byte) => total + byte, 0);
    field(148, 8, `${sum.toString(8).padStart(6, "0")}\0 `);
    const padding = Buffer.alloc((512 - (body.length % 512)) % 512);
    return Buffer.concat([header, body, padding, Buffer.alloc(1024)]);
}
