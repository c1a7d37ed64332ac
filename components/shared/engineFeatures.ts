/**
 * Which newer engine features the Pulumi CLI running this program offers.
 *
 * @pulumi/pulumi asks the engine for its features before the program runs and keeps the
 * answers in its runtime store, but has no public accessor for them; registering a resource
 * with a feature the engine lacks throws ("Please update the Pulumi CLI"). Reading the store
 * lets the program use a feature where it exists and say what is missing where it does not.
 */
interface RuntimeFeatureFlags {
    supportsStateMigrations?: boolean;
    supportsErrorHooks?: boolean;
}

function runtimeFlags(): RuntimeFeatureFlags {
    try {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const state = require("@pulumi/pulumi/runtime/state") as { getStore(): RuntimeFeatureFlags };
        return state.getStore();
    } catch {
        return {};
    }
}

/** State migrations (`stateMigrations` resource option): the CLI and its state backend can rewrite prior state before diffing. */
export function engineRunsStateMigrations(): boolean {
    return runtimeFlags().supportsStateMigrations === true;
}

/** Error hooks (`hooks.onError`): the engine calls back into the program when an operation fails. */
export function engineRunsErrorHooks(): boolean {
    return runtimeFlags().supportsErrorHooks === true;
}
