// Package plugin is the provider protocol: how tend talks to whatever
// implements resource kinds, whether compiled into tend or shipped as a
// separate executable.
//
// Provider is the protocol's Go face: schemas, then bind, read, plan,
// apply, verify and refresh per configured instance. Local serves Go
// kinds through it in tend's own process; Serve serves a Provider from an
// executable over hashicorp/go-plugin's gRPC transport, and Process is the
// client end, which bounds every call with a deadline and turns a provider
// that panics, exits or hangs into errors for that provider's resources
// only. Kinds turns any Provider back into resources.Kind values for the
// registry, so the config loader and the engine never know where a kind
// lives.
//
// Open puts a run's providers together: the built-in ones (in process, or
// each in a subprocess of tend itself) and the external executables named
// tend-provider-NAME in the plugin directory, each of which runs only if
// the node repository's lock file (LockFile) pins its SHA-256 — checked
// on a sealed in-memory copy that is then what runs.
//
// It does not know what any kind does (the providers do), how a run is
// ordered (the engine does) or what the CLI's flags are.
package plugin
