/** The project's name, from the Pulumi.yaml in `dir`: the CLIs check stacks and containers against it. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";

export function readProjectName(dir: string): string {
    return (parse(readFileSync(join(dir, "Pulumi.yaml"), "utf8")) as { name: string }).name;
}
