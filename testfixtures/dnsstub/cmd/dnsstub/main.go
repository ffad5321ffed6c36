// Command dnsstub serves TXT records from a zone file on a UDP address,
// for end-to-end tests inside containers without network: tests publish a
// record by writing the file.
//
//	dnsstub -listen 127.0.0.1:53 -zone /run/dnsstub.zone
package main

import (
	"flag"
	"log"
	"net"

	"github.com/tendhq/tend/testfixtures/dnsstub"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:53", "UDP address to answer on")
	zone := flag.String("zone", "/run/dnsstub.zone", `zone file: one "NAME VALUE" TXT record per line`)
	servfail := flag.Bool("servfail", false, "answer names without a record with SERVFAIL instead of NXDOMAIN")
	flag.Parse()
	pc, err := net.ListenPacket("udp", *listen)
	if err != nil {
		log.Fatal(err)
	}
	s := dnsstub.NewFromZone(*zone)
	s.ServFail = *servfail
	s.Serve(pc)
}
