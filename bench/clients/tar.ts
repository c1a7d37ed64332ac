/** A minimal ustar writer: regular files only, enough for layer tars and a docker-archive. */

function octal(value: number, width: number): string {
    return value.toString(8).padStart(width - 1, "0") + "\0";
}

function header(name: string, size: number): Buffer {
    if (Buffer.byteLength(name) > 100) throw new Error(`tar: name too long: ${name}`);
    const h = Buffer.alloc(512);
    h.write(name, 0);
    h.write(octal(0o644, 8), 100);
    h.write(octal(0, 8), 108);
    h.write(octal(0, 8), 116);
    h.write(octal(size, 12), 124);
    h.write(octal(0, 12), 136);
    h.write("        ", 148); // checksum counts as spaces while it is computed
    h.write("0", 156);
    h.write("ustar\0", 257);
    h.write("00", 263);
    let sum = 0;
    for (const byte of h) sum += byte;
    h.write(octal(sum, 7) + " ", 148);
    return h;
}

export function tar(entries: readonly { name: string; data: Buffer }[]): Buffer {
    const parts: Buffer[] = [];
    for (const { name, data } of entries) {
        parts.push(header(name, data.length), data, Buffer.alloc((512 - (data.length % 512)) % 512));
    }
    parts.push(Buffer.alloc(1024));
    return Buffer.concat(parts);
}
