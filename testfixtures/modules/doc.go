// Package modulefixtures holds one small node repository per library
// module (testfixtures/modules/NAME) and the test that plans each against
// a scratch root: every module must plan cleanly on its own.
package modulefixtures
