package files

import (
	"path/filepath"
	"strings"

	"github.com/tendhq/tend/resources"
	"github.com/zclconf/go-cty/cty"
)

// Schema describes the file kind's attributes to the config loader.
var Schema = resources.Schema{
	Kind: "file",
	Doc:  "A regular file, directory or symbolic link: whether it exists, its content, owner, group and mode.",
	Attrs: []resources.AttrSchema{
		{Name: "path", Type: cty.String, Required: true,
			Doc: "Absolute path of the managed file, resolved under the run's root."},
		{Name: "ensure", Type: cty.String, Default: cty.StringVal("file"),
			Doc: `What path must be: "file" (the default), "directory", "link" or "absent".`},
		{Name: "content", Type: cty.String,
			Doc: "Literal content of the file. At most one of content, source and template; with none, content is not managed."},
		{Name: "source", Type: cty.String, Load: resources.LoadFile,
			Doc: "File in the node repository, relative to the declaring module, whose content the file gets."},
		{Name: "template", Type: cty.String, Load: resources.LoadTemplate, Vars: "vars",
			Doc: "Template in the node repository, rendered with vars; the file gets the result."},
		{Name: "vars", Type: cty.DynamicPseudoType,
			Doc: "Variables for template, of any type."},
		{Name: "target", Type: cty.String,
			Doc: `Target of the link; required with ensure = "link", written as given (not resolved under the root).`},
		{Name: "owner", Type: cty.String,
			Doc: "Owning user, by name or numeric id; names resolve in the root's /etc/passwd. Unset: not managed."},
		{Name: "group", Type: cty.String,
			Doc: "Owning group, by name or numeric id; names resolve in the root's /etc/group. Unset: not managed."},
		{Name: "mode", Type: cty.String,
			Doc: `Octal permissions such as "0644". Unset: kept on existing files; new files get 0644, new directories 0755.`},
		{Name: "validate_cmd", Type: cty.String,
			Doc: `Shell command that checks new content before it replaces the file (ensure = "file" only); it must contain %, and every % becomes the quoted path of the temporary file, DIR/.tend-tmp-RANDOM.NAME beside the live one. A non-zero exit fails the resource and leaves the file untouched. Under --root, when the root has /bin/sh, it runs chrooted into the root (with the temporary file's path there), so it checks with the root's programs and configuration.`},
		{Name: "backup", Type: cty.Bool, Default: cty.True,
			Doc: "Keep replaced or deleted content under the state directory's backups/ (the newest 5 per path). " +
				"Sensitive content (marked sensitive, a private key, or live content last written as sensitive) and files whose path is sensitive are never backed up: a backup would be one more copy of the secret."},
		{Name: "file_group", Type: groupType,
			Doc: "The file_group (file_group.NAME) this file goes live with: staged, validated and renamed together with the other members, all or none."},
		{Name: "force", Type: cty.Bool, Default: cty.False,
			Doc: "Allow removing a non-empty directory (ensure = \"absent\") or replacing a directory or special file with something else."},
	},
}

// Kind returns the file kind, for the provider registry.
func Kind() resources.Kind { return kind{} }

type kind struct{}

func (kind) Schema() resources.Schema { return Schema }

// Identities is the cleaned configured path, so two spellings of one path
// conflict.
func (kind) Identities(cfg *resources.Config) []resources.ID {
	return []resources.ID{resources.FileID(cfg.String("path", ""))}
}

// Order puts a file after its managed parent directories, so they are
// converged before the things inside them, and after its owner and group
// when given by name, so a managed account exists before its files. A
// file under /etc/apt configures APT (a proxy, a source, a pin, a key):
// it comes before every package, so the transaction runs with it.
func (kind) Order(cfg *resources.Config) []resources.Order {
	p := cfg.String("path", "")
	out := append(resources.AfterAccounts(cfg.String("owner", ""), cfg.String("group", "")), resources.AfterParents(p)...)
	if strings.HasPrefix(filepath.Clean(p), aptConfigDir+"/") {
		out = append(out, resources.Before(resources.Every(resources.ClassPackage)))
	}
	return out
}

// aptConfigDir holds what configures APT.
const aptConfigDir = "/etc/apt"

// New checks the configuration and binds a resource to it.
func (kind) New(cfg *resources.Config) (resources.Resource, error) {
	s, err := parseSpec(cfg)
	if err != nil {
		return nil, err
	}
	f := &file{
		spec: s,
		env:  cfg.Env,
		base: filepath.Base(s.path),
	}
	if s.fileGroup != nil {
		return &groupedFile{f}, nil
	}
	return f, nil
}
