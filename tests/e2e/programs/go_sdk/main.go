// An Automation API inline program on the generated Go SDK (sdk/go), run by tests/e2e/test_plugin_sdks.py: up (one
// cluster), preview with no change, refresh with no change, an in-place change, destroy. The engine starts the
// azureml provider plugin (pulumi-resource-azureml, on PATH) against the emulator named in the stack config.
// Prints one JSON line per step for the test to check.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"slices"

	"github.com/pulumi-azureml/pulumi-azureml/sdk/go/azureml"
	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optrefresh"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

type settings struct {
	WorkDir string            `json:"workDir"`
	Config  map[string]string `json:"config"`
	Secrets []string          `json:"secrets"`
}

func program(maxNodes int) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		cluster, err := azureml.NewCompute(ctx, "cluster", &azureml.ComputeArgs{
			ComputeType:   pulumi.String("AmlCompute"),
			VmSize:        pulumi.String("STANDARD_DS3_V2"),
			ScaleSettings: &azureml.ComputeScaleSettingsArgs{MaxNodeCount: pulumi.Int(maxNodes)},
		})
		if err != nil {
			return err
		}
		ctx.Export("armId", cluster.ArmId)
		return nil
	}
}

func report(step string, value any) {
	line, err := json.Marshal(map[string]any{"step": step, "value": value})
	if err != nil {
		panic(err)
	}
	fmt.Println(string(line))
}

func stack(ctx context.Context, s settings, maxNodes int) (auto.Stack, error) {
	return auto.UpsertStackInlineSource(ctx, "dev", "azureml-go-sdk", program(maxNodes), auto.WorkDir(s.WorkDir))
}

func run(ctx context.Context) error {
	var s settings
	if err := json.Unmarshal([]byte(os.Getenv("AZUREML_SDK_TEST_SETTINGS")), &s); err != nil {
		return fmt.Errorf("AZUREML_SDK_TEST_SETTINGS: %w", err)
	}
	first, err := stack(ctx, s, 1)
	if err != nil {
		return err
	}
	for key, value := range s.Config {
		if err := first.SetConfig(ctx, key, auto.ConfigValue{Value: value, Secret: slices.Contains(s.Secrets, key)}); err != nil {
			return err
		}
	}
	up, err := first.Up(ctx)
	if err != nil {
		return err
	}
	report("up", map[string]any{"summary": up.Summary.ResourceChanges, "armId": up.Outputs["armId"].Value})
	preview, err := first.Preview(ctx, optpreview.ExpectNoChanges())
	if err != nil {
		return err
	}
	report("preview", preview.ChangeSummary)
	refresh, err := first.Refresh(ctx, optrefresh.ExpectNoChanges())
	if err != nil {
		return err
	}
	report("refresh", refresh.Summary.ResourceChanges)

	changed, err := stack(ctx, s, 2)
	if err != nil {
		return err
	}
	update, err := changed.Up(ctx)
	if err != nil {
		return err
	}
	report("change", update.Summary.ResourceChanges)
	after, err := changed.Preview(ctx, optpreview.ExpectNoChanges())
	if err != nil {
		return err
	}
	report("preview-after-change", after.ChangeSummary)
	destroy, err := changed.Destroy(ctx)
	if err != nil {
		return err
	}
	report("destroy", destroy.Summary.ResourceChanges)
	return nil
}

func main() {
	if err := run(context.Background()); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
