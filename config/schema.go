package config

import "github.com/hashicorp/hcl/v2"

// nodeFileSchema is what a file under nodes/ may hold.
var nodeFileSchema = &hcl.BodySchema{
	Blocks: []hcl.BlockHeaderSchema{{Type: "node", LabelNames: []string{"name"}}},
}

// roleFileSchema is what a file under roles/ may hold.
var roleFileSchema = &hcl.BodySchema{
	Blocks: []hcl.BlockHeaderSchema{{Type: "role", LabelNames: []string{"name"}}},
}

// scopeBlocks are the blocks every scope (node, role, module) may hold.
var scopeBlocks = []hcl.BlockHeaderSchema{
	{Type: "resource", LabelNames: []string{"kind", "name"}},
	{Type: "module", LabelNames: []string{"name"}},
	{Type: "locals"},
}

// nodeBodySchema is the body of a node block.
var nodeBodySchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{{Name: "roles"}},
	Blocks:     scopeBlocks,
}

// roleBodySchema is the body of a role block.
var roleBodySchema = &hcl.BodySchema{Blocks: scopeBlocks}

// moduleFileSchema is what a file of a module directory may hold.
var moduleFileSchema = &hcl.BodySchema{
	Blocks: append([]hcl.BlockHeaderSchema{
		{Type: "variable", LabelNames: []string{"name"}},
		{Type: "output", LabelNames: []string{"name"}},
	}, scopeBlocks...),
}

// variableSchema is the body of a variable block.
var variableSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "type"}, {Name: "default"}, {Name: "description"}, {Name: "sensitive"},
	},
	Blocks: []hcl.BlockHeaderSchema{{Type: "validation"}},
}

// validationSchema is the body of a variable's validation block.
var validationSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "condition", Required: true}, {Name: "error_message", Required: true},
	},
}

// outputSchema is the body of an output block.
var outputSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "value", Required: true}, {Name: "description"}, {Name: "sensitive"},
	},
}

// resourceMeta are the arguments every resource block takes besides its
// kind's attributes.
var resourceMeta = []hcl.AttributeSchema{
	{Name: "depends_on"}, {Name: "notify"}, {Name: "for_each"}, {Name: "health"},
}
