# deb: the Debian package build/tend_VERSION_amd64.deb (package
# agent/debian): a static tend, the systemd units, the default agent
# configuration, the state directory and the manual page generated from
# the binary's help. Needs dpkg-deb only; lintian, when installed, checks
# the result. DEB_VERSION defaults to 0~git<commit time>.<commit>.
DEB_VERSION ?= 0~git$(shell git log -1 --format=%cd --date=format:%Y%m%d%H%M%S).$(shell git rev-parse --short=12 HEAD)
DEB_MAINTAINER ?=
# what tend --version says: the commit and its date
VERSION_LDFLAGS = -X github.com/tendhq/tend/agent/version.commit=$(shell git rev-parse HEAD) \
	-X github.com/tendhq/tend/agent/version.date=$(shell git log -1 --format=%cI)

.PHONY: deb
deb:
	@mkdir -p build
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags="-s -w $(VERSION_LDFLAGS)" -o build/tend-static ./agent/cmd/tend
	SOURCE_DATE_EPOCH=$$(git log -1 --format=%ct) $(GO) run ./agent/debian/mkdeb \
		-binary build/tend-static -version "$(DEB_VERSION)" -maintainer "$(DEB_MAINTAINER)" -out build
	@if command -v lintian >/dev/null; then lintian --suppress-tags spelling-error-in-binary build/tend_$(DEB_VERSION)_amd64.deb; fi
