/**
 * Docker's own userland proxy binary (docker-proxy, the process a daemon with
 * `--userland-proxy=true` runs per published port) between a loopback port and the container's
 * loopback-published port. The daemon here runs without it, and no traffic may go to the
 * container's own address, so this is the userland copy stacked on the kernel-NAT path: what
 * loopback clients of a userland-proxy daemon get, plus one NAT hop (which the NAT-only figure
 * shows is cheap).
 */
import { join } from "node:path";
import { startService, waitForPort } from "./services";

export const dockerProxyBinary = "/usr/sbin/docker-proxy";

export async function startDockerProxy(workDir: string, listenPort: number, publishedPort: number): Promise<void> {
    startService(
        "docker-proxy",
        dockerProxyBinary,
        ["-proto", "tcp", "-host-ip", "127.0.0.1", "-host-port", String(listenPort), "-container-ip", "127.0.0.1", "-container-port", String(publishedPort)],
        join(workDir, "docker-proxy.log"),
        // Without a pipe on fd 3 it writes its status to (and closes) whatever fd 3 is: its own listener.
        true,
    );
    await waitForPort(listenPort, "docker-proxy");
}
