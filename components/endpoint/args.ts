/** Where clients reach the registry: its names and its port. */
import { withDefaults } from "../shared/settings";

/** The endpoint part of the component's arguments. */
export interface EndpointArgs {
    /**
     * DNS names and IP addresses clients use to reach the registry. All of them go into the
     * server certificate's SANs; the first is the address images are tagged with. Required.
     */
    hostnames: string[];
    /** Port the registry listens on and is published on. Default `5000`. */
    port?: number;
}

export const endpointDefaults = {
    port: 5000,
};

/** The endpoint with its default filled in. */
export type EndpointSettings = typeof endpointDefaults & { hostnames: string[] };

export function resolveEndpoint(args: EndpointArgs): EndpointSettings {
    return { hostnames: [...args.hostnames], ...withDefaults(endpointDefaults, args) };
}
