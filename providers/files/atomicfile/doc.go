// Package atomicfile replaces a file's content so that every reader, and
// the file system after a crash, sees either the old file or the complete
// new one, never a mix, a truncated file, or a moment with looser
// permissions.
//
// It writes one file and nothing else: it does not create directories,
// take backups or decide owners and modes. Callers (the file resource,
// backups) make those decisions and pass them in Options.
package atomicfile
