// Package plan is what `tend plan` produces and `tend apply FILE`
// consumes: for every resource instance the state observed, the typed
// action with its reason and differences, and the refresh events it would
// deliver. It owns the one text renderer, the JSON form and the saved-plan
// file with its staleness check.
//
// A plan holds only what resources.Change already made safe to print, so
// nothing here needs to know which values are sensitive.
package plan
