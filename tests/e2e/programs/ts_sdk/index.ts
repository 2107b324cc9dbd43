// An Automation API inline program on the generated Node.js SDK (sdk/nodejs), run by tests/e2e/test_plugin_sdks.py:
// up (one cluster), preview with no change, refresh with no change, an in-place change, destroy. The engine starts
// the azureml provider plugin (pulumi-resource-azureml, on PATH) against the emulator named in the stack config.
// Prints one JSON line per step for the test to check.
import { LocalWorkspace } from "@pulumi/pulumi/automation";
import * as azureml from "@pulumi-azureml/azureml";

interface Settings {
    workDir: string;
    config: Record<string, string>;
    secrets: string[];
}

const settings: Settings = JSON.parse(process.env.AZUREML_SDK_TEST_SETTINGS ?? "{}");

function program(maxNodes: number) {
    return async () => {
        const cluster = new azureml.Compute("cluster", {
            computeType: "AmlCompute",
            vmSize: "STANDARD_DS3_V2",
            scaleSettings: { maxNodeCount: maxNodes },
        });
        return { armId: cluster.armId };
    };
}

function report(step: string, value: unknown): void {
    console.log(JSON.stringify({ step, value }));
}

async function main(): Promise<void> {
    const stack = await LocalWorkspace.createOrSelectStack(
        { projectName: "azureml-ts-sdk", stackName: "dev", program: program(1) },
        { workDir: settings.workDir },
    );
    for (const [key, value] of Object.entries(settings.config)) {
        await stack.setConfig(key, { value, secret: settings.secrets.includes(key) });
    }
    const up = await stack.up();
    report("up", { summary: up.summary.resourceChanges, armId: up.outputs.armId.value });
    const preview = await stack.preview({ expectNoChanges: true });
    report("preview", preview.changeSummary);
    const refresh = await stack.refresh({ expectNoChanges: true });
    report("refresh", refresh.summary.resourceChanges);

    const changed = await LocalWorkspace.createOrSelectStack(
        { projectName: "azureml-ts-sdk", stackName: "dev", program: program(2) },
        { workDir: settings.workDir },
    );
    const update = await changed.up();
    report("change", update.summary.resourceChanges);
    const after = await changed.preview({ expectNoChanges: true });
    report("preview-after-change", after.changeSummary);
    const destroy = await changed.destroy();
    report("destroy", destroy.summary.resourceChanges);
}

main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
});
