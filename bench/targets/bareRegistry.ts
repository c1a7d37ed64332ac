/**
 * The same registry binary (Debian's docker-registry, the one in the test image) run as a bare
 * process with the rendered config, htpasswd, certificate and key: what the container costs.
 * Only file paths and listen addresses differ (storage on the same disk as Docker's volumes).
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { containerPaths } from "../../components/instances/containerLayout";
import { freePort } from "../../tests/kit/host/net";
import { editConfig, listenOn, uploadContent } from "./configEdits";
import type { BenchRender, Endpoint } from "./deploy";
import type { Namespace } from "./netns";
import { startService, waitForPort } from "./services";

export const registryBinary = "/usr/bin/docker-registry";

/** On 127.0.0.1, or inside the bench's network namespace when `ns` is given. */
export async function startBareRegistry(r: BenchRender, workDir: string, label: string, ns?: Namespace): Promise<Endpoint> {
    const dir = join(workDir, `bare-registry-${r.variant}`);
    const address = ns?.address ?? "127.0.0.1";
    await mkdir(join(dir, "data"), { recursive: true });
    const file = (name: string, path: string) => writeFile(join(dir, name), uploadContent(r.container, path), { mode: 0o600 });
    await file("htpasswd", containerPaths(2).htpasswd);
    await file("server.crt", containerPaths(2).certificate);
    await file("server.key", containerPaths(2).privateKey);
    const debugPort = await freePort();
    const config = editConfig(uploadContent(r.container, containerPaths(2).config), listenOn(`${address}:${r.port}`), (c) => {
        c.storage.filesystem!.rootdirectory = join(dir, "data");
        c.auth!.htpasswd.path = join(dir, "htpasswd");
        c.http.tls = { certificate: join(dir, "server.crt"), key: join(dir, "server.key"), minimumtls: c.http.tls?.minimumtls ?? "tls1.2" };
        c.http.debug.addr = `127.0.0.1:${debugPort}`; // the namespace's own loopback when in one
    });
    await writeFile(join(dir, "config.yml"), config, { mode: 0o600 });
    const command = [registryBinary, "serve", join(dir, "config.yml")];
    // `ip netns exec` execs the registry, so the pid stopped at cleanup is the registry's.
    if (ns) startService("bare registry in netns", "ip", ["netns", "exec", ns.name, ...command], join(dir, "registry.log"));
    else startService("bare registry", command[0], command.slice(1), join(dir, "registry.log"));
    await waitForPort(r.port, "bare registry", 20_000, address);
    return { label, port: r.port, scheme: "https", caFile: r.caFile, credentials: r.credentials, address: ns?.address };
}
