import { test } from "node:test";
import assert from "node:assert/strict";
import { compareSync, getRounds } from "bcryptjs";
import { bcryptHash, bcryptSalt, renderHtpasswd } from "../../components";

const saltBytes = Buffer.from("000102030405060708090a0b0c0d0e0f", "hex").toString("base64");

test("salt from 16 random bytes, with the configured cost, in htpasswd -B's $2y$ form", () => {
    const salt = bcryptSalt(saltBytes, 5);
    assert.match(salt, /^\$2y\$05\$[./A-Za-z0-9]{22}$/);
    assert.match(bcryptSalt(saltBytes, 12), /^\$2y\$12\$/);
    assert.throws(() => bcryptSalt(Buffer.alloc(8).toString("base64"), 5), /16 random bytes/);
    assert.throws(() => bcryptSalt(saltBytes, 3), /cost/);
});

test("the same password and salt give the same hash; it verifies; cost is honoured", () => {
    const salt = bcryptSalt(saltBytes, 5);
    const a = bcryptHash("correct horse battery staple", salt);
    const b = bcryptHash("correct horse battery staple", salt);
    assert.equal(a, b);
    assert.ok(a.startsWith(salt));
    assert.equal(getRounds(a), 5);
    assert.ok(compareSync("correct horse battery staple", a));
    assert.ok(!compareSync("wrong", a));
});

test("htpasswd has one user:hash line per user, in order", () => {
    assert.equal(renderHtpasswd([{ user: "admin", hash: "$2y$05$x" }, { user: "ci", hash: "$2y$05$y" }]), "admin:$2y$05$x\nci:$2y$05$y\n");
});
