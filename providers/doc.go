// Package providers assembles the resource kinds tend ships with into one
// registry. Each domain lives in its own package below (files, exec, ...);
// this package only lists them.
package providers
