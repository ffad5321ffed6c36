package plugin

import (
	"context"
	"os"

	"github.com/hashicorp/go-hclog"
	goplugin "github.com/hashicorp/go-plugin"
	"github.com/tendhq/tend/providers/plugin/wire"
	"google.golang.org/grpc"
)

// Handshake is what tend and a provider executable must agree on before
// anything else: the protocol version (2: identities are typed and several,
// ordering goes either way) and a fixed cookie, so that a
// provider run by hand says so instead of waiting on its stdin.
var Handshake = goplugin.HandshakeConfig{
	ProtocolVersion:  2,
	MagicCookieKey:   "TEND_PROVIDER",
	MagicCookieValue: "7c1f4e0a9b2d6358-tend-provider",
}

// pluginName is the one plugin a provider executable serves.
const pluginName = "provider"

// grpcPlugin plugs the provider protocol into go-plugin, gRPC only.
type grpcPlugin struct {
	goplugin.NetRPCUnsupportedPlugin
	p Provider // served; nil on the client side
}

func (g *grpcPlugin) GRPCServer(_ *goplugin.GRPCBroker, s *grpc.Server) error {
	wire.RegisterProviderServer(s, &grpcServer{p: g.p})
	return nil
}

func (g *grpcPlugin) GRPCClient(_ context.Context, _ *goplugin.GRPCBroker, c *grpc.ClientConn) (any, error) {
	return &grpcClient{c: wire.NewProviderClient(c)}, nil
}

// Serve serves p to the tend process that started this one, until tend
// closes the connection. A provider executable's main calls it:
//
//	func main() { plugin.Serve(plugin.Local(mykind.Kind())) }
//
// Run by hand, it says it is a plugin and exits 1. go-plugin's own log
// goes to stderr, errors only; a panic's stack goes to stderr as well,
// and tend puts the end of it in the error of the call that failed.
func Serve(p Provider) {
	goplugin.Serve(&goplugin.ServeConfig{
		HandshakeConfig: Handshake,
		Plugins:         goplugin.PluginSet{pluginName: &grpcPlugin{p: p}},
		GRPCServer:      goplugin.DefaultGRPCServer,
		Logger:          hclog.New(&hclog.LoggerOptions{Name: "provider", Level: hclog.Error, Output: os.Stderr}),
	})
}
