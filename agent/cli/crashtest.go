package cli

import (
	"fmt"
	"os"
	"strings"

	"github.com/tendhq/tend/config"
)

// crashEnv makes tend crash on purpose, for its own tests of how a crash
// is contained, once a catalog holding the resource it names is loaded:
// "panic:ADDRESS" panics on a goroutine of its own, where nothing can
// recover it (quoting the configuration's sensitive values, which must
// not be shown), "overflow:ADDRESS" recurses until the stack overflows.
// It is honoured only with faultsEnv=1 as well.
const (
	crashEnv  = "TEND_TEST_CRASH"
	faultsEnv = "TEND_TEST_FAULTS"
)

func crashForTest(cat *config.Catalog) {
	how, addr, ok := strings.Cut(os.Getenv(crashEnv), ":")
	if !ok || os.Getenv(faultsEnv) != "1" || !found(cat, addr) {
		return
	}
	switch how {
	case "panic":
		done := make(chan struct{})
		go func() {
			defer close(done)
			panic(fmt.Sprintf("crashing on purpose at %s with %q", addr, cat.Secrets))
		}()
		<-done
	case "overflow":
		fmt.Fprintln(os.Stderr, recurse(0))
	}
}

// recurse never ends: it overflows the stack on purpose.
func recurse(n int) int {
	var pad [128]byte
	pad[n%128] = byte(n)
	//lint:ignore SA5007 the recursion is the point
	return recurse(n+1) + int(pad[(n+1)%128])
}

func found(cat *config.Catalog, addr string) bool {
	_, _, ok := cat.Find(addr)
	return ok
}
