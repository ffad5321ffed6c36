// Command warmcache fills the container test cache ahead of the tests: the
// Debian 11 root file system and the .debs of each package set named on
// its command line, one set per argument, packages separated by spaces:
//
//	go run ./testfixtures/container/warmcache "postfix postfix-pcre" "hello"
//
// A word "@REPO:NODE" stands for the packages that node of that node
// repository installs, computed as the tests compute them
// (scratchroot.Packages), so the sets of the end-to-end tests follow the
// example repository without being spelt out:
//
//	go run ./testfixtures/container/warmcache "@testfixtures/example:emailout gnupg openssh-client"
//
// -release bookworm fills the Debian 12 cache instead.
//
// A set must be spelt as the tests spell Options.Packages (order and
// duplicates do not matter) for them to find it cached. `make
// container-cache` runs it; it needs root and network.
package main
