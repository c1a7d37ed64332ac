/** Manifest bodies for API-level tests: schema 2, and a correctly signed schema 1 (libtrust JWS). */
import { createHash, generateKeyPairSync, sign } from "node:crypto";
import { mediaTypes } from "./api";

export interface Descriptor {
    digest: string;
    size: number;
}

/** A Docker schema 2 image manifest; `extra` adds top-level fields (e.g. padding). */
export function schema2Manifest(config: Descriptor, layers: Descriptor[], extra: Record<string, unknown> = {}): string {
    return JSON.stringify({
        schemaVersion: 2,
        mediaType: mediaTypes.manifestV2,
        config: { mediaType: mediaTypes.imageConfig, ...config },
        layers: layers.map((l) => ({ mediaType: mediaTypes.layer, ...l })),
        ...extra,
    });
}

/** A schema 2 manifest padded with an annotation to exactly `bytes` bytes. */
export function paddedSchema2Manifest(config: Descriptor, layers: Descriptor[], bytes: number): string {
    const empty = schema2Manifest(config, layers, { annotations: { padding: "" } });
    if (bytes < empty.length) throw new Error(`a manifest cannot be smaller than ${empty.length} bytes`);
    const body = schema2Manifest(config, layers, { annotations: { padding: "x".repeat(bytes - empty.length) } });
    if (body.length !== bytes) throw new Error("padding arithmetic");
    return body;
}

const base64url = (data: Buffer | string) => Buffer.from(data).toString("base64url");

/** libtrust's key ID: SHA-256 of the DER public key, first 240 bits, base32, in groups of four. */
function libtrustKeyId(spkiDer: Buffer): string {
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    const bytes = createHash("sha256").update(spkiDer).digest().subarray(0, 30);
    let bits = "";
    for (const b of bytes) bits += b.toString(2).padStart(8, "0");
    const chars = bits.match(/.{5}/g)!.map((chunk) => alphabet[parseInt(chunk, 2)]).join("");
    return chars.match(/.{4}/g)!.join(":");
}

/**
 * A schema 1 manifest signed the way Docker 1.x clients signed them (libtrust "pretty" JWS,
 * ES256), so a registry that refuses it refuses schema 1, not a broken signature.
 */
export function signedSchema1Manifest(name: string, tag: string, layerDigest: string): string {
    const payload = JSON.stringify(
        {
            schemaVersion: 1,
            name,
            tag,
            architecture: "amd64",
            fsLayers: [{ blobSum: layerDigest }],
            history: [{ v1Compatibility: JSON.stringify({ id: createHash("sha256").update(layerDigest).digest("hex"), created: "2024-01-01T00:00:00Z" }) }],
        },
        null,
        3,
    );
    // The signatures go in before the closing brace; the protected header says where.
    const formatLength = payload.lastIndexOf("\n}");
    const formatTail = payload.slice(formatLength);
    const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const jwk = publicKey.export({ format: "jwk" });
    const protectedHeader = base64url(JSON.stringify({ formatLength, formatTail: base64url(formatTail), time: new Date().toISOString() }));
    const signature = sign("sha256", Buffer.from(`${protectedHeader}.${base64url(payload)}`), { key: privateKey, dsaEncoding: "ieee-p1363" });
    const signatures = [
        {
            header: { jwk: { crv: "P-256", kid: libtrustKeyId(publicKey.export({ format: "der", type: "spki" })), kty: "EC", x: jwk.x, y: jwk.y }, alg: "ES256" },
            signature: base64url(signature),
            protected: protectedHeader,
        },
    ];
    return `${payload.slice(0, formatLength)},\n   "signatures": ${JSON.stringify(signatures, null, 3)}${formatTail}`;
}
