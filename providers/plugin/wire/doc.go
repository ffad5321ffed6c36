// Package wire holds the provider protocol's messages and gRPC service,
// generated from provider.proto by `make proto`. Nothing but package
// plugin should use it: plugin converts between these messages and the
// resource model, and owns everything else about talking to providers.
package wire
