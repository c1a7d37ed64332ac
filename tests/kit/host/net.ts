/** Loopback ports and forwarding for the tests: every address here is on this machine. */
import { createServer, connect, Server } from "node:net";

/** A TCP port free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const server = createServer();
        server.on("error", reject);
        server.listen(0, "127.0.0.1", () => {
            const { port } = server.address() as { port: number };
            server.close(() => resolve(port));
        });
    });
}

/**
 * Forwards [::1]:port to 127.0.0.1:port. Docker treats registries on 127.0.0.0/8 as insecure
 * and skips TLS checks there, so trust tests reach the registry by a name that resolves to ::1
 * only; Docker publishes the port on 127.0.0.1, and this carries ::1 over to it.
 */
export function forwardIpv6Loopback(port: number): Promise<Server> {
    return new Promise((resolve, reject) => {
        const server = createServer((client) => {
            const upstream = connect(port, "127.0.0.1");
            client.pipe(upstream).pipe(client);
            const close = () => {
                client.destroy();
                upstream.destroy();
            };
            client.on("error", close);
            upstream.on("error", close);
        });
        server.on("error", reject);
        server.listen(port, "::1", () => resolve(server));
    });
}

