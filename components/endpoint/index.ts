export { EndpointArgs, EndpointSettings, endpointDefaults, resolveEndpoint } from "./args";
export { findEndpointProblems } from "./validation";
