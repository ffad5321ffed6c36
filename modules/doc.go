// Package modules is tend's module library: HCL modules a node repository
// calls by bare name (source = "base") when it has no module of that name
// in its own modules/ directory. The modules are compiled into the tend
// binary, so a host needs nothing but tend and its node repository.
//
// Each module is a directory of .hcl files with a README.md describing
// its inputs; this package only embeds them.
package modules
