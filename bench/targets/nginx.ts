/**
 * One nginx process (Debian's) with two TLS servers on loopback ports:
 * - the nginx-in-front design of the source runbook (Docker's documented recipe): nginx
 *   terminates TLS with its default request and response buffering and proxies over plain
 *   HTTP to the registry container, which is rendered with `http.tls` removed. The registry
 *   keeps its own htpasswd check (the recipe moves it to nginx; either way one check per
 *   request), so the designs differ only in who terminates TLS.
 * - the machine's limits: nginx serving a file over TLS (download) and taking a PUT over TLS
 *   into a file with its DAV module (upload, no fsync).
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { startService, waitForPort } from "./services";

export interface NginxPorts {
    /** TLS port of the nginx-in-front design. */
    front: number;
    /** Plain-HTTP port of the registry behind it. */
    backend: number;
    /** TLS port of the limits server. */
    limits: number;
}

export interface NginxFiles {
    certificate: string;
    key: string;
    /** Served read-only under /static/. */
    staticDir: string;
}

function config(dir: string, ports: NginxPorts, files: NginxFiles): string {
    return `
daemon off;
user root;
worker_processes auto;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log;
events { worker_connections 1024; }
http {
    default_type application/octet-stream;
    access_log ${dir}/access.log;
    client_body_temp_path ${dir}/client_body;
    proxy_temp_path ${dir}/proxy;
    fastcgi_temp_path ${dir}/fastcgi;
    uwsgi_temp_path ${dir}/uwsgi;
    scgi_temp_path ${dir}/scgi;

    # The source runbook's server block (Docker's "Authenticate proxy with nginx" recipe).
    upstream docker-registry { server 127.0.0.1:${ports.backend}; }
    map $upstream_http_docker_distribution_api_version $docker_distribution_api_version { '' 'registry/2.0'; }
    server {
        listen 127.0.0.1:${ports.front} ssl;
        ssl_certificate ${files.certificate};
        ssl_certificate_key ${files.key};
        client_max_body_size 0;
        chunked_transfer_encoding on;
        location /v2/ {
            add_header 'Docker-Distribution-Api-Version' $docker_distribution_api_version always;
            proxy_pass http://docker-registry;
            proxy_set_header Host $http_host;
            proxy_set_header X-Real-IP $remote_addr;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_read_timeout 900;
        }
    }

    # The machine's limits: static file out, DAV PUT in, both over TLS.
    server {
        listen 127.0.0.1:${ports.limits} ssl;
        ssl_certificate ${files.certificate};
        ssl_certificate_key ${files.key};
        access_log off;
        client_max_body_size 0;
        location /static/ { alias ${files.staticDir}/; }
        location /dav/ {
            alias ${dir}/dav/;
            dav_methods PUT;
            create_full_put_path on;
        }
    }
}
`;
}

export async function startNginx(workDir: string, ports: NginxPorts, files: NginxFiles): Promise<void> {
    const dir = join(workDir, "nginx");
    await mkdir(join(dir, "dav"), { recursive: true });
    await writeFile(join(dir, "nginx.conf"), config(dir, ports, files));
    startService("nginx", "nginx", ["-e", join(dir, "error.log"), "-p", dir, "-c", join(dir, "nginx.conf")], join(dir, "stderr.log"));
    await waitForPort(ports.front, "nginx");
    await waitForPort(ports.limits, "nginx");
}
