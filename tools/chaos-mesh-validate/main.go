// chaos-mesh-validate checks Chaos Mesh objects the way the Chaos Mesh admission webhook would,
// without a cluster: every document of the given multi-document YAML files is strictly
// unmarshalled (unknown or duplicate fields are errors) into its v1alpha1 type, defaulted and
// validated with the type's own Default() and ValidateCreate(); then the enums the CRD schema
// declares, and durations that are negative, are refused as the API server (or common sense) would.
//
// Usage: chaos-mesh-validate FILE.yaml... (or - for stdin)
// Prints one line per error (file: document N kind/name: message); exit 0 all valid,
// 1 some object is invalid, 2 a file could not be read.
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/chaos-mesh/chaos-mesh/api/v1alpha1"
	"k8s.io/apimachinery/pkg/runtime"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"
	"sigs.k8s.io/yaml"
)

const apiVersion = "chaos-mesh.org/v1alpha1"

// checked is what the admission webhook calls on a created object.
type checked interface {
	runtime.Object
	Default(ctx context.Context, obj runtime.Object) error
	ValidateCreate(ctx context.Context, obj runtime.Object) (admission.Warnings, error)
}

func spawn(kind string) checked {
	switch kind {
	case v1alpha1.KindPodChaos:
		return &v1alpha1.PodChaos{}
	case v1alpha1.KindNetworkChaos:
		return &v1alpha1.NetworkChaos{}
	case v1alpha1.KindHTTPChaos:
		return &v1alpha1.HTTPChaos{}
	case v1alpha1.KindWorkflow:
		return &v1alpha1.Workflow{}
	case v1alpha1.KindStatusCheck:
		return &v1alpha1.StatusCheck{}
	}
	return nil
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: chaos-mesh-validate FILE.yaml... (- for stdin)")
		os.Exit(2)
	}
	bad, total := 0, 0
	for _, file := range os.Args[1:] {
		var data []byte
		var err error
		if file == "-" {
			data, err = io.ReadAll(os.Stdin)
		} else {
			data, err = os.ReadFile(file)
		}
		if err != nil {
			fmt.Printf("%s: %v\n", file, err)
			os.Exit(2)
		}
		n, errs := validateFile(data)
		total += n
		for _, e := range errs {
			fmt.Printf("%s: %s\n", file, e)
		}
		bad += len(errs)
	}
	if bad > 0 {
		os.Exit(1)
	}
	fmt.Fprintf(os.Stderr, "%d object(s) valid\n", total)
}

func validateFile(data []byte) (int, []string) {
	var errs []string
	r := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(data)))
	n := 0
	for doc := 1; ; doc++ {
		raw, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			errs = append(errs, fmt.Sprintf("document %d: %v", doc, err))
			break
		}
		if len(bytes.TrimSpace(stripComments(raw))) == 0 {
			continue
		}
		n++
		for _, e := range validateDoc(raw) {
			errs = append(errs, fmt.Sprintf("document %d %s", doc, e))
		}
	}
	if n == 0 {
		errs = append(errs, "no Chaos Mesh object in the file")
	}
	return n, errs
}

func validateDoc(raw []byte) []string {
	var head struct {
		APIVersion string `json:"apiVersion"`
		Kind       string `json:"kind"`
		Metadata   struct {
			Name string `json:"name"`
		} `json:"metadata"`
	}
	if err := yaml.Unmarshal(raw, &head); err != nil {
		return []string{fmt.Sprintf(": not YAML: %v", err)}
	}
	id := fmt.Sprintf("%s/%s", head.Kind, head.Metadata.Name)
	if head.APIVersion != apiVersion {
		return []string{fmt.Sprintf("%s: apiVersion %q, want %s", id, head.APIVersion, apiVersion)}
	}
	obj := spawn(head.Kind)
	if obj == nil {
		return []string{fmt.Sprintf("%s: kind %q is not checked (PodChaos, NetworkChaos, HTTPChaos, Workflow, StatusCheck)", id, head.Kind)}
	}
	if head.Metadata.Name == "" {
		return []string{fmt.Sprintf("%s: metadata.name is required", id)}
	}
	// As kubectl does: YAML to JSON first (duplicate keys refused), then a strict JSON decode.
	// (yaml.UnmarshalStrict would walk the target type and allocate empty optional structs,
	// such as NetworkChaos spec.rate beside spec.bandwidth, which the webhook then rejects.)
	js, err := yaml.YAMLToJSONStrict(raw)
	if err != nil {
		return []string{fmt.Sprintf("%s: %v", id, err)}
	}
	dec := json.NewDecoder(bytes.NewReader(js))
	dec.DisallowUnknownFields()
	if err := dec.Decode(obj); err != nil {
		return []string{fmt.Sprintf("%s: %v", id, err)}
	}
	ctx := context.Background()
	if err := obj.Default(ctx, obj); err != nil {
		return []string{fmt.Sprintf("%s: default: %v", id, err)}
	}
	if _, err := obj.ValidateCreate(ctx, obj); err != nil {
		return []string{fmt.Sprintf("%s: %v", id, err)}
	}
	var errs []string
	for _, e := range schemaErrs(obj) {
		errs = append(errs, fmt.Sprintf("%s: %s", id, e))
	}
	return errs
}

// The webhook leaves enums to the CRD's OpenAPI schema (+kubebuilder:validation:Enum), which the
// API server enforces; without a cluster they are checked here, from the package's own constants.
var (
	podActions     = set(v1alpha1.PodKillAction, v1alpha1.PodFailureAction, v1alpha1.ContainerKillAction)
	networkActions = set(v1alpha1.NetemAction, v1alpha1.DelayAction, v1alpha1.LossAction, v1alpha1.DuplicateAction, v1alpha1.CorruptAction, v1alpha1.PartitionAction, v1alpha1.BandwidthAction)
	directions     = set(v1alpha1.To, v1alpha1.From, v1alpha1.Both)
	modes          = set(v1alpha1.OneMode, v1alpha1.AllMode, v1alpha1.FixedMode, v1alpha1.FixedPercentMode, v1alpha1.RandomMaxPercentMode)
	httpTargets    = set(v1alpha1.PodHttpRequest, v1alpha1.PodHttpResponse)
)

func set[T ~string](vs ...T) map[string]bool {
	m := map[string]bool{}
	for _, v := range vs {
		m[string(v)] = true
	}
	return m
}

func schemaErrs(obj runtime.Object) []string {
	var errs []string
	enum := func(path, v string, allowed map[string]bool) {
		if !allowed[v] {
			errs = append(errs, fmt.Sprintf("%s: Unsupported value: %q (the CRD schema allows %s)", path, v, keys(allowed)))
		}
	}
	// A signed duration parses (time.ParseDuration), but a fault cannot last less than nothing.
	duration := func(path string, d *string) {
		if d == nil || *d == "" {
			return
		}
		if v, err := time.ParseDuration(*d); err == nil && v < 0 {
			errs = append(errs, fmt.Sprintf("%s: Invalid value: %q: a duration must not be negative", path, *d))
		} else if err != nil {
			errs = append(errs, fmt.Sprintf("%s: Invalid value: %q: %v", path, *d, err))
		}
	}
	selector := func(path string, p *v1alpha1.PodSelector) {
		if p != nil {
			enum(path+".mode", string(p.Mode), modes)
		}
	}
	pod := func(path string, s *v1alpha1.PodChaosSpec) {
		enum(path+".action", string(s.Action), podActions)
		selector(path, &s.PodSelector)
		duration(path+".duration", s.Duration)
	}
	network := func(path string, s *v1alpha1.NetworkChaosSpec) {
		enum(path+".action", string(s.Action), networkActions)
		if s.Direction != "" {
			enum(path+".direction", string(s.Direction), directions)
		}
		selector(path, &s.PodSelector)
		selector(path+".target", s.Target)
		duration(path+".duration", s.Duration)
		if s.Delay != nil {
			duration(path+".delay.latency", &s.Delay.Latency)
			duration(path+".delay.jitter", &s.Delay.Jitter)
		}
	}
	httpc := func(path string, s *v1alpha1.HTTPChaosSpec) {
		enum(path+".target", string(s.Target), httpTargets)
		selector(path, &s.PodSelector)
		duration(path+".duration", s.Duration)
	}
	switch o := obj.(type) {
	case *v1alpha1.PodChaos:
		pod("spec", &o.Spec)
	case *v1alpha1.NetworkChaos:
		network("spec", &o.Spec)
	case *v1alpha1.HTTPChaos:
		httpc("spec", &o.Spec)
	case *v1alpha1.Workflow:
		for i, t := range o.Spec.Templates {
			path := fmt.Sprintf("spec.templates[%d]", i)
			duration(path+".deadline", t.Deadline)
			if t.EmbedChaos == nil {
				continue
			}
			if t.EmbedChaos.PodChaos != nil {
				pod(path+".podChaos", t.EmbedChaos.PodChaos)
			}
			if t.EmbedChaos.NetworkChaos != nil {
				network(path+".networkChaos", t.EmbedChaos.NetworkChaos)
			}
			if t.EmbedChaos.HTTPChaos != nil {
				httpc(path+".httpChaos", t.EmbedChaos.HTTPChaos)
			}
		}
	}
	return errs
}

func keys(m map[string]bool) string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return strings.Join(out, ", ")
}

// stripComments drops comment-only lines, so a document of comments alone counts as empty.
func stripComments(b []byte) []byte {
	var out [][]byte
	for _, line := range bytes.Split(b, []byte("\n")) {
		t := bytes.TrimSpace(line)
		if len(t) > 0 && t[0] != '#' {
			out = append(out, line)
		}
	}
	return bytes.Join(out, []byte("\n"))
}
