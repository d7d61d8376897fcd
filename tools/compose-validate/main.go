// compose-validate loads compose files the way `docker compose config` does, with the library
// docker compose itself is built on (github.com/compose-spec/compose-go/v2): YAML anchors and
// merge keys, interpolation, the Compose Specification JSON schema, normalization and the
// consistency checks (depends_on targets, healthcheck.test forms, networks, volumes, ...).
//
// Each file is loaded on its own (or, with --project, with its overrides), from its own directory, with every profile active so services
// behind `profiles:` are checked too. Variables that are not set interpolate to empty strings
// (docker compose warns and goes on); the loader runs without the caller's environment so the
// verdict does not depend on the machine. env_file and label_file contents are not read: they are
// runtime data, often untracked (.env), and a missing one says nothing about the compose file
// itself; their declarations are still checked by the schema. Build contexts are not required
// to exist either, as the loader only resolves their paths.
//
// Usage: compose-validate FILE...
//
//	compose-validate --project BASE OVERRIDE...   (one project, as `docker compose -f BASE -f OVERRIDE config`)
//
// Prints one line per invalid file or project (FILE: message); exit 0 all valid, 1 some file is
// invalid, 2 usage error.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/compose-spec/compose-go/v2/loader"
	"github.com/compose-spec/compose-go/v2/types"
	"github.com/sirupsen/logrus"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: compose-validate FILE...")
		os.Exit(2)
	}
	// The loader's warnings (obsolete `version:`, unset variables) are not verdicts.
	logrus.SetOutput(io.Discard)
	bad := 0
	if os.Args[1] == "--project" {
		if len(os.Args) < 3 {
			fmt.Fprintln(os.Stderr, "usage: compose-validate --project BASE OVERRIDE...")
			os.Exit(2)
		}
		// An override alone is often no valid project (a service with only ports:); with its base it must be.
		if err := validate(os.Args[2:]...); err != nil {
			fmt.Printf("%s: %s\n", strings.Join(os.Args[2:], " + "), oneLine(err.Error()))
			bad++
		}
	} else {
		for _, file := range os.Args[1:] {
			if err := validate(file); err != nil {
				fmt.Printf("%s: %s\n", file, oneLine(err.Error()))
				bad++
			}
		}
	}
	if bad > 0 {
		os.Exit(1)
	}
}

// validate loads the files as one project, the first file's folder as its working directory.
func validate(files ...string) error {
	var configs []types.ConfigFile
	for _, file := range files {
		abs, err := filepath.Abs(file)
		if err != nil {
			return err
		}
		data, err := os.ReadFile(abs)
		if err != nil {
			return err
		}
		configs = append(configs, types.ConfigFile{Filename: abs, Content: data})
	}
	dir := filepath.Dir(configs[0].Filename)
	details := types.ConfigDetails{
		WorkingDir:  dir,
		ConfigFiles: configs,
		Environment: types.Mapping{},
	}
	_, err := loader.LoadWithContext(context.Background(), details, func(o *loader.Options) {
		o.SkipValidation = false
		o.SkipConsistencyCheck = false
		o.SkipInterpolation = false
		o.ResolvePaths = true
		o.SkipResolveEnvironment = true
		o.SkipResolveLabels = true
		o.Profiles = []string{"*"}
		// As docker compose does without -p: the folder's name, unless the file sets `name:`.
		o.SetProjectName(projectName(dir), false)
	})
	return err
}

func projectName(dir string) string {
	if n := loader.NormalizeProjectName(filepath.Base(dir)); n != "" {
		return n
	}
	return "default"
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
