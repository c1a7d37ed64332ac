/**
 * The layering rules, checked by `npm run lint:deps` (part of `npm run build`, which CI runs) and
 * by tests/unit/layering.test.ts. Paths are relative to the project directory.
 *
 *   index.ts (the program) -> program/ (reads the stack config) -> components/ (the resources)
 *   operations/stack, operations/gc (npm scripts) -> operations/shared, pure components/ files
 *   tests/, bench/ -> anything; bench/ -> tests/kit/ only
 *
 * @type {import("dependency-cruiser").IConfiguration}
 */
module.exports = {
    forbidden: [
        {
            name: "no-circular",
            severity: "error",
            comment:
                "A circle has no bottom: no file in it can be read, tested or moved without the others, " +
                "and the load order decides which one sees the others half-initialised. Move what both need " +
                "(often types) into a file of its own.",
            from: {},
            to: { circular: true },
        },
        {
            name: "no-unresolvable",
            severity: "error",
            comment: "An import the checker cannot resolve is one no rule here can judge: fix the path.",
            from: {},
            to: { couldNotResolve: true },
        },
        {
            name: "components-stay-below",
            severity: "error",
            comment:
                "components/ declares resources from arguments it is given. It must not know where they " +
                "come from (program/ reads the stack config), who runs them (operations/), nor the tests or " +
                "the benchmark: those depend on it, never the other way round.",
            from: { path: "^components/" },
            to: { path: "^(program|operations|tests|bench)/" },
        },
        {
            name: "program-not-operations",
            severity: "error",
            comment:
                "program/ turns the stack config into the component's arguments (the only code reading " +
                "pulumi.Config); the npm scripts in operations/, the tests and the benchmark are not part of a deployment.",
            from: { path: "^program/" },
            to: { path: "^(operations|tests|bench)/" },
        },
        {
            name: "operations-without-pulumi-program",
            severity: "error",
            comment:
                "operations/ runs without a Pulumi engine (npm run gc, the stack wrapper). It may use pure " +
                "component files (such as components/instances/containerLayout.ts), but not the component " +
                "barrel components/index.ts, which loads the Pulumi providers, nor program/, tests/ or bench/.",
            from: { path: "^operations/" },
            to: { path: ["^(program|tests|bench)/", "^components/index\\.ts$"] },
        },
        {
            name: "operations-stack-not-gc",
            severity: "error",
            comment: "The stack wrapper and garbage collection are separate tools; what both need lives in operations/shared.",
            from: { path: "^operations/stack/" },
            to: { path: "^operations/gc/" },
        },
        {
            name: "operations-gc-not-stack",
            severity: "error",
            comment: "Garbage collection and the stack wrapper are separate tools; what both need lives in operations/shared.",
            from: { path: "^operations/gc/" },
            to: { path: "^operations/stack/" },
        },
        {
            name: "operations-shared-is-shared",
            severity: "error",
            comment: "operations/shared is what both tools use, so it imports neither of them.",
            from: { path: "^operations/shared/" },
            to: { path: "^operations/(stack|gc)/" },
        },
        {
            name: "domains-not-the-component",
            severity: "error",
            comment:
                "A domain folder (components/<domain>/: tls, credentials, instances, ...) is a part the " +
                "PrivateRegistry component puts together; importing the component (privateRegistry.ts) or " +
                "the barrel (index.ts) back makes a circle through it and loads every provider.",
            from: { path: "^components/[^/]+/" },
            to: { path: "^components/(privateRegistry|index)\\.ts$" },
        },
        {
            name: "shared-is-the-bottom",
            severity: "error",
            comment: "components/shared is what every domain may use, so it uses no domain (nor the files above them).",
            from: { path: "^components/shared/" },
            to: { path: "^components/", pathNot: "^components/shared/" },
        },
        {
            name: "program-entry-thin",
            severity: "error",
            comment:
                "index.ts, the Pulumi program, only hands the stack config read by program/ to the " +
                "components/; anything else it imported would run at every deployment.",
            from: { path: "^index\\.ts$" },
            to: { dependencyTypes: ["local"], pathNot: "^(components|program)/" },
        },
        {
            name: "bench-uses-test-kit-only",
            severity: "error",
            comment:
                "The benchmark shares the test kit (tests/kit/), made to be reused; the tests themselves and " +
                "their other helpers may change for the tests' sake alone.",
            from: { path: "^bench/" },
            to: { path: "^tests/", pathNot: "^tests/kit/" },
        },
        {
            name: "tests-stay-out-of-the-product",
            severity: "error",
            comment: "Nothing that ships or runs for a user (program, components, operations) may depend on test code.",
            from: { pathNot: "^(tests|bench)/" },
            to: { path: "^tests/" },
        },
    ],
    options: {
        // Project code only; npm packages are read for their type, never cruised.
        exclude: { path: "^(node_modules|\\.git)/" },
        doNotFollow: { path: "node_modules" },
        // Type-only imports count: a circle of types is still a circle to read and to move.
        tsPreCompilationDeps: true,
        tsConfig: { fileName: "tsconfig.json" },
        enhancedResolveOptions: { extensions: [".ts", ".js", ".json"] },
    },
};
