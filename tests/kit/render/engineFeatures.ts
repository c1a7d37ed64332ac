/**
 * The engine features the program sees under mocks. @pulumi/pulumi's mocks answer every
 * feature query with yes but set only some flags, and their monitor lacks RegisterErrorHook;
 * this sets the flags the program reads (components/shared/engineFeatures.ts) and gives the
 * mock monitor the missing call, so a render sees the engine a current CLI is.
 */
import * as pulumi from "@pulumi/pulumi";

interface Flags {
    supportsStateMigrations: boolean;
    supportsErrorHooks: boolean;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const runtimeState = require("@pulumi/pulumi/runtime/state") as { getStore(): Flags };

type Callback = (error: Error | null, response: unknown) => void;

/** Sets which of the newer engine features the next render sees; both on by default. */
export function setEngineFeatures(features: { stateMigrations: boolean; errorHooks: boolean } = { stateMigrations: true, errorHooks: true }): void {
    const store = runtimeState.getStore();
    store.supportsStateMigrations = features.stateMigrations;
    store.supportsErrorHooks = features.errorHooks;
    const monitor = pulumi.runtime.getMonitor() as unknown as { registerErrorHook?: (request: unknown, callback: Callback) => void };
    if (monitor.registerErrorHook === undefined) monitor.registerErrorHook = (_request, callback) => callback(null, {});
}
