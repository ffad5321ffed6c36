// Command timerun runs one command and prints, as one line of JSON on
// standard output, how long it took and how much it used:
//
//	timerun -out /tmp/tend.out -- /usr/local/bin/tend apply --node n
//	{"exit":0,"wall_ns":81234567,"user_ns":60000000,"sys_ns":20000000,"max_rss_kib":24576}
//
// The benchmarks in agent/e2e copy it, built static, into a test
// container and run it there, so that the time measured is the command's
// own: from just before it is started to just after it is reaped, without
// the cost of entering the container. The command's standard output and
// error go to the -out file (default /dev/null), never to a pipe, so
// nothing copies its output while it runs. max_rss_kib is the child's
// peak resident set (ru_maxrss). timerun exits 0 whenever the command
// ran, whatever its exit code; 1 when it could not run it.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"syscall"
	"time"
)

// result is what timerun prints.
type result struct {
	Exit      int   `json:"exit"`
	WallNS    int64 `json:"wall_ns"`
	UserNS    int64 `json:"user_ns"`
	SysNS     int64 `json:"sys_ns"`
	MaxRSSKiB int64 `json:"max_rss_kib"`
}

func main() {
	out := flag.String("out", os.DevNull, "file that receives the command's standard output and error")
	flag.Parse()
	if flag.NArg() == 0 {
		fail("usage: timerun [-out FILE] -- COMMAND [ARG...]")
	}
	f, err := os.Create(*out)
	if err != nil {
		fail(err.Error())
	}
	defer f.Close()
	cmd := exec.Command(flag.Arg(0), flag.Args()[1:]...)
	cmd.Stdout, cmd.Stderr = f, f
	start := time.Now()
	if err := cmd.Start(); err != nil {
		fail(err.Error())
	}
	_ = cmd.Wait() // a non-zero exit is reported, not an error of timerun
	wall := time.Since(start)
	st := cmd.ProcessState
	r := result{Exit: st.ExitCode(), WallNS: wall.Nanoseconds(),
		UserNS: st.UserTime().Nanoseconds(), SysNS: st.SystemTime().Nanoseconds()}
	if ru, ok := st.SysUsage().(*syscall.Rusage); ok {
		r.MaxRSSKiB = ru.Maxrss // kilobytes on Linux
	}
	if err := json.NewEncoder(os.Stdout).Encode(r); err != nil {
		fail(err.Error())
	}
}

func fail(msg string) {
	fmt.Fprintln(os.Stderr, "timerun:", msg)
	os.Exit(1)
}
