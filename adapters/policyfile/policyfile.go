// Package policyfile reads the policy file (HOTLINE_CONFIG): YAML, decoded
// strictly (an unknown key is an error), with the holiday files it names,
// into the desk's policy and the WeChat account's template settings.
package policyfile

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"regexp"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/hotline-desk/hotline/adapters/wechat"
	"github.com/hotline-desk/hotline/bot/policy"
)

// Settings are what the file decides.
type Settings struct {
	Policy *policy.Policy
	// WeChatTemplates are the template messages of wechat.templates, by
	// the kind of notice they carry (ticket, survey, renewal).
	WeChatTemplates map[string]wechat.TemplateConfig
}

// document is the file's shape: the policy's keys and the WeChat adapter's.
type document struct {
	policy.File `yaml:",inline"`
	WeChat      struct {
		Templates map[string]wechat.TemplateConfig `yaml:"templates"`
	} `yaml:"wechat"`
}

// Load reads the file at path, or builds the defaults when path is empty.
// loc is HOTLINE_TIMEZONE; the file's timezone overrides it. A missing year
// of holiday data is logged once through log. Errors are one line that
// starts with HOTLINE_CONFIG and names the field.
func Load(path string, loc *time.Location, log *slog.Logger) (*Settings, error) {
	if path == "" {
		return Parse(nil, "", loc, log)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("HOTLINE_CONFIG: %w", err)
	}
	return Parse(data, path, loc, log)
}

// Parse reads a policy file's content (nil: defaults). base is the file's
// path, against which relative holiday file names are read.
func Parse(data []byte, base string, loc *time.Location, log *slog.Logger) (*Settings, error) {
	var doc document
	if len(bytes.TrimSpace(data)) > 0 {
		if err := checkStaffNumbers(data); err != nil {
			return nil, fmt.Errorf("HOTLINE_CONFIG: %w", err)
		}
		dec := yaml.NewDecoder(bytes.NewReader(data))
		dec.KnownFields(true)
		if err := dec.Decode(&doc); err != nil && !errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("HOTLINE_CONFIG: %s", yamlMessage(err))
		}
	}
	for kind, t := range doc.WeChat.Templates {
		if t.ID == "" {
			return nil, fmt.Errorf("HOTLINE_CONFIG: wechat.templates.%s.id: required", kind)
		}
	}
	p, err := policy.Build(doc.File, policy.Options{Location: loc, Log: log, ReadFile: relativeTo(base)})
	if err != nil {
		return nil, fmt.Errorf("HOTLINE_CONFIG: %w", err)
	}
	return &Settings{Policy: p, WeChatTemplates: doc.WeChat.Templates}, nil
}

// relativeTo reads files named relative to the policy file's folder, as
// written (not cleaned: ../ after a symlinked folder stays where it leads).
func relativeTo(base string) func(string) ([]byte, error) {
	return func(name string) ([]byte, error) {
		if base != "" && !strings.HasPrefix(name, "/") {
			name = base[:strings.LastIndex(base, "/")+1] + name
		}
		return os.ReadFile(name)
	}
}

// checkStaffNumbers refuses a staff number written without quotes: YAML
// reads 007 as the number 7 (and 010 as 8 in YAML 1.1 tools), so a number
// that looks right in the file could name someone else.
func checkStaffNumbers(data []byte) error {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil || len(root.Content) == 0 {
		return nil // the decode that follows says what is wrong
	}
	staff := mapValue(root.Content[0], "staff")
	if staff == nil || staff.Kind != yaml.SequenceNode {
		return nil
	}
	for i, member := range staff.Content {
		n := mapValue(member, "number")
		if n != nil && n.Kind == yaml.ScalarNode && n.Style&(yaml.SingleQuotedStyle|yaml.DoubleQuotedStyle) == 0 && n.Tag != "!!str" {
			return fmt.Errorf("line %d: staff[%d].number: quote it, like number: \"%s\" (unquoted, YAML reads it as a number and may drop leading zeros)", n.Line, i, n.Value)
		}
	}
	return nil
}

// mapValue is the value of key in a mapping node; nil when there is none.
func mapValue(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

var yamlTypeRe = regexp.MustCompile(` not found in type [\w.]+`)

// yamlMessage turns yaml.v3's multi-line errors into one line without Go
// type names.
func yamlMessage(err error) string {
	s := strings.TrimPrefix(err.Error(), "yaml: ")
	s = strings.TrimPrefix(s, "unmarshal errors:")
	s = yamlTypeRe.ReplaceAllString(s, " is not a known key")
	s = strings.ReplaceAll(s, "cannot unmarshal !!", "wrong type: got ")
	return strings.Join(strings.Fields(s), " ")
}
