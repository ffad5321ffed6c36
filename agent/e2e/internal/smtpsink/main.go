// Command smtpsink is the far end of outbound mail in the end-to-end
// tests: an SMTP server on a loopback address that offers STARTTLS with a
// throwaway certificate, asks the client for a certificate, accepts every
// message and appends one line per message to a log: whether the session
// was encrypted, the client certificate's subject (or "-"), the sender
// and the recipients.
package main

import (
	"bufio"
	"crypto/tls"
	"flag"
	"fmt"
	"log"
	"net"
	"os"
	"strings"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:2525", "address to listen on")
	cert := flag.String("cert", "", "PEM certificate chain the server presents")
	key := flag.String("key", "", "its PEM private key")
	out := flag.String("log", "/var/log/smtpsink.log", "file each message's line is appended to")
	flag.Parse()
	pair, err := tls.LoadX509KeyPair(*cert, *key)
	if err != nil {
		log.Fatal(err)
	}
	conf := &tls.Config{Certificates: []tls.Certificate{pair}, ClientAuth: tls.RequestClientCert}
	l, err := net.Listen("tcp", *listen)
	if err != nil {
		log.Fatal(err)
	}
	for {
		c, err := l.Accept()
		if err != nil {
			log.Fatal(err)
		}
		go func() {
			if err := serve(c, conf, *out); err != nil {
				log.Print(err)
			}
		}()
	}
}

// session is one SMTP conversation.
type session struct {
	conn    net.Conn
	r       *bufio.Reader
	tls     bool
	client  string
	from    string
	rcpts   []string
	logFile string
}

func serve(c net.Conn, conf *tls.Config, logFile string) error {
	defer c.Close()
	s := &session{conn: c, r: bufio.NewReader(c), client: "-", logFile: logFile}
	s.reply("220 sink.test ESMTP")
	for {
		line, err := s.r.ReadString('\n')
		if err != nil {
			return nil
		}
		verb := strings.ToUpper(strings.Fields(line + " x")[0])
		switch verb {
		case "EHLO", "HELO":
			if s.tls {
				s.reply("250-sink.test", "250 8BITMIME")
			} else {
				s.reply("250-sink.test", "250-STARTTLS", "250 8BITMIME")
			}
		case "STARTTLS":
			if err := s.startTLS(conf); err != nil {
				return err
			}
		case "MAIL":
			s.from, s.rcpts = strings.TrimSpace(line[10:]), nil
			s.reply("250 ok")
		case "RCPT":
			s.rcpts = append(s.rcpts, strings.TrimSpace(line[8:]))
			s.reply("250 ok")
		case "DATA":
			if err := s.data(); err != nil {
				return err
			}
		case "QUIT":
			s.reply("221 bye")
			return nil
		default:
			s.reply("250 ok")
		}
	}
}

func (s *session) reply(lines ...string) {
	fmt.Fprint(s.conn, strings.Join(lines, "\r\n")+"\r\n")
}

func (s *session) startTLS(conf *tls.Config) error {
	s.reply("220 go ahead")
	tc := tls.Server(s.conn, conf)
	if err := tc.Handshake(); err != nil {
		return err
	}
	if peers := tc.ConnectionState().PeerCertificates; len(peers) > 0 {
		s.client = peers[0].Subject.CommonName
	}
	s.conn, s.r, s.tls = tc, bufio.NewReader(tc), true
	return nil
}

// data reads the message up to the lone dot and logs it.
func (s *session) data() error {
	s.reply("354 go on")
	for {
		line, err := s.r.ReadString('\n')
		if err != nil {
			return err
		}
		if strings.TrimRight(line, "\r\n") == "." {
			break
		}
	}
	f, err := os.OpenFile(s.logFile, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	defer f.Close()
	fmt.Fprintf(f, "tls=%t client=%s from=%s rcpt=%s\n", s.tls, s.client, s.from, strings.Join(s.rcpts, ","))
	s.reply("250 queued")
	return nil
}
