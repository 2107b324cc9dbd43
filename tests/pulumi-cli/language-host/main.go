// Command pulumi-language-python is a small Python language host for the Pulumi CLI built in this repository.
//
// Why it exists: the upstream Python language host is a Go module that the module proxy reachable from this
// project's machines does not serve, while the CLI itself (pkg/v3) and the Python SDK's program runner
// (`pulumi-language-python-exec`, shipped in the sdk/v3 module) are served. This host implements the part of the
// LanguageRuntime gRPC service that `pulumi preview/up/refresh/destroy/install` need, and runs programs exactly the
// way the upstream host does: the project's virtualenv (or toolchain) resolved by the SDK's own `python/toolchain`
// package, then `python -u pulumi-language-python-exec --monitor ... PROGRAM` with the configuration in
// PULUMI_CONFIG / PULUMI_CONFIG_SECRET_KEYS. It reports a program's required packages by the upstream host's rules
// too (see requiredPackages), so that the e2e suite sees the plugin installs a vendor install would attempt. A user
// with the vendor's CLI never runs this file.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"github.com/pulumi/pulumi/sdk/v3/python/toolchain"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/emptypb"
)

// version is set at build time to the CLI's version, so `pulumi about` reports one consistent release.
var version = "3.0.0"

// bailExitCode is the runner's "an actionable message was already shown" exit code (see pulumi-language-python-exec).
const bailExitCode = 32

type languageHost struct {
	pulumirpc.UnimplementedLanguageRuntimeServer

	mutex         sync.Mutex
	engineAddress string
	runnerPath    string
}

func main() {
	// The engine passes logging/tracing flags first and the engine's address as the last positional argument.
	engineAddress := ""
	arguments := os.Args[1:]
	for index := 0; index < len(arguments); index++ {
		argument := arguments[index]
		if argument == "--tracing" || argument == "-tracing" {
			index++ // the flag's value is the next argument
			continue
		}
		if strings.HasPrefix(argument, "-") {
			continue
		}
		engineAddress = argument
	}

	executable, err := os.Executable()
	if err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-python: cannot locate itself: %v\n", err)
		os.Exit(1)
	}
	host := &languageHost{
		engineAddress: engineAddress,
		runnerPath:    filepath.Join(filepath.Dir(executable), "pulumi-language-python-exec"),
	}
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Init: func(server *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(server, host)
			return nil
		},
		Options: rpcutil.OpenTracingServerInterceptorOptions(nil),
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-python: cannot serve: %v\n", err)
		os.Exit(1)
	}
	// The engine reads the port from the first line of standard output.
	fmt.Printf("%d\n", handle.Port)
	if err := <-handle.Done; err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-python: %v\n", err)
		os.Exit(1)
	}
}

func (host *languageHost) Handshake(
	_ context.Context, request *pulumirpc.LanguageHandshakeRequest,
) (*pulumirpc.LanguageHandshakeResponse, error) {
	host.mutex.Lock()
	defer host.mutex.Unlock()
	host.engineAddress = request.GetEngineAddress()
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

func (host *languageHost) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version}, nil
}

// GetRequiredPackages reports the installed distributions that need a resource plugin, by the vendor host's rules
// (packages.go). Reporting none would hide what the vendor's host makes the engine do: install a plugin for every
// `pulumi-*` distribution that does not say `"resource": false` in its pulumi-plugin.json (issue 26).
func (host *languageHost) GetRequiredPackages(
	ctx context.Context, request *pulumirpc.GetRequiredPackagesRequest,
) (*pulumirpc.GetRequiredPackagesResponse, error) {
	python, err := toolchainFor(request.GetInfo())
	if err != nil {
		return nil, err
	}
	packages, err := requiredPackages(ctx, python)
	if err != nil {
		return nil, err
	}
	return &pulumirpc.GetRequiredPackagesResponse{Packages: packages}, nil
}

// GetRequiredPlugins is the older form of GetRequiredPackages, for an engine that still asks for it: the same scan,
// without parameterizations.
func (host *languageHost) GetRequiredPlugins(
	ctx context.Context, request *pulumirpc.GetRequiredPluginsRequest,
) (*pulumirpc.GetRequiredPluginsResponse, error) {
	python, err := toolchainFor(request.GetInfo())
	if err != nil {
		return nil, err
	}
	packages, err := requiredPackages(ctx, python)
	if err != nil {
		return nil, err
	}
	plugins := make([]*pulumirpc.PluginDependency, 0, len(packages))
	for _, dependency := range packages {
		plugins = append(plugins, &pulumirpc.PluginDependency{
			Name: dependency.GetName(), Kind: dependency.GetKind(), Version: dependency.GetVersion(),
			Server: dependency.GetServer(),
		})
	}
	return &pulumirpc.GetRequiredPluginsResponse{Plugins: plugins}, nil
}

func toolchainFor(info *pulumirpc.ProgramInfo) (toolchain.Toolchain, error) {
	options := toolchain.PythonOptions{
		Root:       info.GetRootDirectory(),
		ProgramDir: info.GetProgramDirectory(),
		Toolchain:  toolchain.Pip,
	}
	fields := info.GetOptions().GetFields()
	if value, ok := fields["virtualenv"]; ok {
		options.Virtualenv = value.GetStringValue()
	}
	if value, ok := fields["toolchain"]; ok {
		switch value.GetStringValue() {
		case "pip", "":
			options.Toolchain = toolchain.Pip
		case "poetry":
			options.Toolchain = toolchain.Poetry
		case "uv":
			options.Toolchain = toolchain.Uv
		default:
			return nil, fmt.Errorf("unsupported Python toolchain %q (pip, poetry or uv)", value.GetStringValue())
		}
	}
	return toolchain.ResolveToolchain(options)
}

func (host *languageHost) Run(ctx context.Context, request *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	info := request.GetInfo()
	if info == nil {
		return nil, errors.New("the engine sent no program info")
	}
	python, err := toolchainFor(info)
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	if info.GetOptions().GetFields()["virtualenv"] != nil {
		if err := python.ValidateVenv(ctx); err != nil {
			return &pulumirpc.RunResponse{Error: err.Error()}, nil
		}
	}

	host.mutex.Lock()
	engineAddress := host.engineAddress
	host.mutex.Unlock()

	program := info.GetProgramDirectory()
	if entryPoint := info.GetEntryPoint(); entryPoint != "" && entryPoint != "." {
		program = filepath.Join(program, entryPoint)
	}
	arguments := []string{
		"-u", host.runnerPath,
		"--project", request.GetProject(),
		"--stack", request.GetStack(),
		"--parallel", strconv.Itoa(int(request.GetParallel())),
		"--dry_run", strconv.FormatBool(request.GetDryRun()),
		"--pwd", request.GetPwd(),
		"--monitor", request.GetMonitorAddress(),
		"--engine", engineAddress,
		"--organization", request.GetOrganization(),
		"--root_directory", info.GetRootDirectory(),
		program,
	}
	arguments = append(arguments, request.GetArgs()...)
	command, err := python.Command(ctx, arguments...)
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	// Never `null`: the runner iterates over both values.
	config := request.GetConfig()
	if config == nil {
		config = map[string]string{}
	}
	secretKeyList := request.GetConfigSecretKeys()
	if secretKeyList == nil {
		secretKeyList = []string{}
	}
	configuration, err := json.Marshal(config)
	if err != nil {
		return nil, err
	}
	secretKeys, err := json.Marshal(secretKeyList)
	if err != nil {
		return nil, err
	}
	command.Env = append(command.Environ(),
		"PULUMI_CONFIG="+string(configuration),
		"PULUMI_CONFIG_SECRET_KEYS="+string(secretKeys),
	)
	command.Dir = request.GetPwd()
	// The engine shows what a language host writes as the program's output.
	command.Stdout = os.Stdout
	command.Stderr = os.Stderr
	if err := command.Run(); err != nil {
		var exitError *exec.ExitError
		if errors.As(err, &exitError) {
			if exitError.ExitCode() == bailExitCode {
				return &pulumirpc.RunResponse{Bail: true}, nil
			}
			return &pulumirpc.RunResponse{
				Error: fmt.Sprintf("Program exited with non-zero exit code: %d", exitError.ExitCode()),
			}, nil
		}
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("Problem executing program (could not run language executor): %v", err)}, nil
	}
	return &pulumirpc.RunResponse{}, nil
}

// streamWriter forwards dependency-installation output to the CLI as it is produced.
type streamWriter struct {
	stream grpc.ServerStreamingServer[pulumirpc.InstallDependenciesResponse]
	stderr bool
}

func (writer streamWriter) Write(data []byte) (int, error) {
	message := &pulumirpc.InstallDependenciesResponse{}
	if writer.stderr {
		message.Stderr = append([]byte(nil), data...)
	} else {
		message.Stdout = append([]byte(nil), data...)
	}
	if err := writer.stream.Send(message); err != nil {
		return 0, err
	}
	return len(data), nil
}

// InstallDependencies is `pulumi install`: the SDK's toolchain creates the virtualenv and installs requirements.txt.
func (host *languageHost) InstallDependencies(
	request *pulumirpc.InstallDependenciesRequest,
	stream grpc.ServerStreamingServer[pulumirpc.InstallDependenciesResponse],
) error {
	python, err := toolchainFor(request.GetInfo())
	if err != nil {
		return err
	}
	var stdout, stderr io.Writer = streamWriter{stream: stream}, streamWriter{stream: stream, stderr: true}
	return python.InstallDependencies(stream.Context(), request.GetInfo().GetProgramDirectory(),
		request.GetUseLanguageVersionTools(), true, stdout, stderr)
}

func (host *languageHost) About(ctx context.Context, request *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	python, err := toolchainFor(request.GetInfo())
	if err != nil {
		return nil, err
	}
	about, err := python.About(ctx)
	if err != nil {
		return nil, err
	}
	return &pulumirpc.AboutResponse{
		Executable: about.PythonExecutable,
		Version:    about.PythonVersion.String(),
	}, nil
}

func (host *languageHost) GetProgramDependencies(
	ctx context.Context, request *pulumirpc.GetProgramDependenciesRequest,
) (*pulumirpc.GetProgramDependenciesResponse, error) {
	python, err := toolchainFor(request.GetInfo())
	if err != nil {
		return nil, err
	}
	packages, err := python.ListPackages(ctx, request.GetTransitiveDependencies())
	if err != nil {
		return nil, err
	}
	result := make([]*pulumirpc.DependencyInfo, 0, len(packages))
	for _, dependency := range packages {
		result = append(result, &pulumirpc.DependencyInfo{Name: dependency.Name, Version: dependency.Version})
	}
	return &pulumirpc.GetProgramDependenciesResponse{Dependencies: result}, nil
}

func (host *languageHost) RuntimeOptionsPrompts(
	context.Context, *pulumirpc.RuntimeOptionsRequest,
) (*pulumirpc.RuntimeOptionsResponse, error) {
	return &pulumirpc.RuntimeOptionsResponse{}, nil
}

// The package-dependency scan, with the rules of the vendor's host (pulumi/pulumi,
// sdk/python/cmd/pulumi-language-python/main.go: listPulumiPackageInfos and packageDependencyFromPluginJSON):
//
//   - every installed distribution is listed by the toolchain (`pip list`, names normalised as PEP 503 says, so
//     `pulumi_foo` and `pulumi-foo` are one name), transitive dependencies included;
//   - `pulumi-policy` and `pulumi-esc-sdk` are skipped by name (they have no plugin and predate pulumi-plugin.json);
//   - a distribution is a Pulumi package if its import package (the name with `-` as `_`) holds a pulumi-plugin.json,
//     or if its name starts with `pulumi-`;
//   - a pulumi-plugin.json with `"resource": false` (or no `resource` at all) means no plugin; otherwise its name,
//     version and server are used, each defaulting to the distribution's name without `pulumi-`, its version read
//     as a plugin version (pluginVersion), and the default server;
//   - a version that cannot be read as a plugin version means no plugin.

// packagesWithoutPlugins are skipped by name, as the vendor's host does.
var packagesWithoutPlugins = map[string]bool{"pulumi-policy": true, "pulumi-esc-sdk": true}

// pluginJSONLocator prints, as one JSON object, where each named distribution's pulumi-plugin.json is ("" when it
// has none): the file must sit in the directory of the distribution's import package, found the way an import
// would find it (so an editable install is found too).
const pluginJSONLocator = `import importlib.metadata, importlib.util, json, os, sys
found = {}
for name in sys.argv[1:]:
    found[name] = ""
    try:
        module = importlib.metadata.distribution(name).metadata["Name"].replace("-", "_")
        spec = importlib.util.find_spec(module)
    except Exception:
        continue
    for directory in (spec.submodule_search_locations or []) if spec else []:
        candidate = os.path.join(str(directory), "pulumi-plugin.json")
        if os.path.isfile(candidate):
            found[name] = candidate
            break
print(json.dumps(found))`

func requiredPackages(ctx context.Context, python toolchain.Toolchain) ([]*pulumirpc.PackageDependency, error) {
	installed, err := python.ListPackages(ctx, true)
	if err != nil {
		return nil, fmt.Errorf("listing the installed Python packages: %w", err)
	}
	arguments := []string{"-c", pluginJSONLocator}
	for _, distribution := range installed {
		arguments = append(arguments, distribution.Name)
	}
	command, err := python.Command(ctx, arguments...)
	if err != nil {
		return nil, err
	}
	output, err := command.Output()
	if err != nil {
		return nil, fmt.Errorf("locating the packages' pulumi-plugin.json: %w", err)
	}
	locations := map[string]string{}
	if err := json.Unmarshal(output, &locations); err != nil {
		return nil, fmt.Errorf("reading where the packages' pulumi-plugin.json are: %w", err)
	}

	result := []*pulumirpc.PackageDependency{}
	for _, distribution := range installed {
		if packagesWithoutPlugins[distribution.Name] {
			continue
		}
		var metadata *plugin.PulumiPluginJSON
		if location := locations[distribution.Name]; location != "" {
			metadata, err = plugin.LoadPulumiPluginJSON(location)
			if err != nil {
				return nil, fmt.Errorf("reading %s: %w", location, err)
			}
		}
		if metadata == nil && !strings.HasPrefix(distribution.Name, "pulumi-") {
			continue
		}
		if dependency := packageDependency(distribution.Name, distribution.Version, metadata); dependency != nil {
			result = append(result, dependency)
		}
	}
	return result, nil
}

// packageDependency is the resource plugin a Pulumi package needs, or nil when it needs none.
func packageDependency(name, version string, metadata *plugin.PulumiPluginJSON) *pulumirpc.PackageDependency {
	dependency := &pulumirpc.PackageDependency{Kind: "resource"}
	if metadata != nil {
		if !metadata.Resource {
			return nil
		}
		dependency.Name, dependency.Version, dependency.Server = metadata.Name, metadata.Version, metadata.Server
		dependency.Parameterization = parameterization(metadata.Parameterization)
		dependency.Extension = parameterization(metadata.ExtensionParameterization)
	}
	if dependency.Name == "" {
		dependency.Name = strings.TrimPrefix(name, "pulumi-")
	}
	if dependency.Version == "" {
		converted, ok := pluginVersion(version)
		if !ok {
			return nil
		}
		dependency.Version = converted
	}
	if !strings.HasPrefix(dependency.Version, "v") {
		dependency.Version = "v" + dependency.Version
	}
	return dependency
}

func parameterization(given *plugin.PulumiParameterizationJSON) *pulumirpc.PackageParameterization {
	if given == nil {
		return nil
	}
	return &pulumirpc.PackageParameterization{Name: given.Name, Version: given.Version, Value: given.Value}
}

// pluginVersion reads a PEP 440 version `N(.N)*[{a|b|rc}N][.postN][.devN]` as a semantic version the way the
// vendor's host does: at least three numbers (missing ones are 0), `a`/`b`/`rc` as `-alpha.`/`-beta.`/`-rc.`, and
// `.postN`/`.devN` as build metadata (`+postN`, `+devN`, or `+postNdevM`). Anything else (an epoch, a local version,
// a stray character) cannot be read, and then the package reports no plugin.
func pluginVersion(version string) (string, bool) {
	match := pep440Subset.FindStringSubmatch(version)
	if match == nil {
		return "", false
	}
	numbers := strings.Split(match[1], ".")
	for len(numbers) < 3 {
		numbers = append(numbers, "0")
	}
	result := strings.Join(numbers, ".")
	switch match[2] {
	case "a":
		result += "-alpha." + match[3]
	case "b":
		result += "-beta." + match[3]
	case "rc":
		result += "-rc." + match[3]
	}
	build := ""
	if match[4] != "" {
		build += "post" + match[5]
	}
	if match[6] != "" {
		build += "dev" + match[7]
	}
	if build != "" {
		result += "+" + build
	}
	return result, true
}

var pep440Subset = regexp.MustCompile(`^([0-9]+(?:\.[0-9]+)*)(?:(a|b|rc)([0-9]*))?(\.post([0-9]*))?(\.dev([0-9]*))?$`)
