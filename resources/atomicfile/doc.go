// Package atomicfile replaces a file's content so that every reader, and
// the file system after a crash, sees either the old file or the complete
// new one, never a mix, a truncated file, or a moment with looser
// permissions — and does it in a directory handle, so that no directory
// swapped for a symlink can redirect it.
//
// OpenDir opens a managed directory beneath a root without following any
// symlink on the way (MakeDirs does the same below a trusted base such as
// the state directory, creating what is missing); the Dir's methods then
// act on single names in that handle: read (Lstat, Open, ReadFile,
// Readlink, ReadDir), write (WriteFile, or Stage followed by Commit or
// Abort; StageLink for symlinks), and change (Mkdir, Remove, RemoveAll,
// Rename, Lchown, SetOwnerMode, Sync). Every temporary name starts with
// TempPrefix, and Sweep removes what interrupted runs left.
//
// It does not take backups or decide owners and modes. Callers (the file
// resource, backups) make those decisions and pass them in Options.
package atomicfile
