// Command martianhar is an HTTP proxy built from github.com/google/martian/v3 whose only
// modifier is a har.Logger, to record traffic to Cerb as martian's HAR.
//
//	martianhar -addr 127.0.0.1:8083 -api 127.0.0.1:8084
//
// Send traffic through -addr as an HTTP proxy (curl -x). GET http://API/logs returns the HAR
// from martian's own har.NewExportHandler; GET http://API/logs/reset clears it.
package main

import (
	"flag"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"

	"github.com/google/martian/v3"
	"github.com/google/martian/v3/har"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8083", "proxy listen address")
	api := flag.String("api", "127.0.0.1:8084", "HAR export listen address")
	flag.Parse()

	logger := har.NewLogger()
	p := martian.NewProxy()
	defer p.Close()
	p.SetRequestModifier(logger)
	p.SetResponseModifier(logger)

	mux := http.NewServeMux()
	mux.Handle("/logs", har.NewExportHandler(logger))
	mux.Handle("/logs/reset", har.NewResetHandler(logger))
	go func() { log.Fatal(http.ListenAndServe(*api, mux)) }()

	l, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	go func() {
		if err := p.Serve(l); err != nil {
			log.Print(err)
		}
	}()
	log.Printf("martian proxy on %s, HAR export on http://%s/logs", *addr, *api)
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	<-sig
}
