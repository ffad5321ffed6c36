// Command mkdeb builds tend's Debian package (make deb):
//
//	mkdeb -binary build/tend-static -version 0.1.0 -out build
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/tendhq/tend/agent/debian"
)

func main() {
	var p debian.Package
	flag.StringVar(&p.Binary, "binary", "", "the static tend binary to package")
	flag.StringVar(&p.Version, "version", "", "the Debian version")
	flag.StringVar(&p.Arch, "arch", "amd64", "the Debian architecture")
	flag.StringVar(&p.Maintainer, "maintainer", "", "the Maintainer field")
	out := flag.String("out", "build", "directory for the .deb")
	flag.Parse()
	if epoch, err := strconv.ParseInt(os.Getenv("SOURCE_DATE_EPOCH"), 10, 64); err == nil {
		p.Date = time.Unix(epoch, 0)
	}
	path, err := debian.Build(context.Background(), p, *out)
	if err != nil {
		fmt.Fprintln(os.Stderr, "mkdeb:", err)
		os.Exit(1)
	}
	fmt.Println(path)
}
