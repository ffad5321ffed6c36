// Package accounts provides the "user" and "group" resource kinds: local
// system accounts and their group memberships in a root's /etc/passwd,
// /etc/group, /etc/shadow and /etc/gshadow.
//
// Its boundary: it reads those files itself (under the run's root, never
// the host's name service) and changes them only through the shadow
// utilities (useradd, usermod, userdel, groupadd, groupmod, groupdel),
// with --prefix when the run has a root other than /, so locking, shadow
// entries and id allocation stay theirs. It never creates, moves or removes
// home directories or mail spools (a file resource owned by the user does
// that, ordered after it), and never manages passwords. A group resource
// manages the group itself, not its members: membership belongs to the
// user resource that lists the group, so one account's memberships are
// configured in one place.
//
// Plan reads the root's files afresh (Read's State, and the group file for
// names and ids) and decides the utility's options; it attaches them to
// the Change as a userPlan or groupPlan (resources.WithIntent). Apply runs
// exactly those and refuses a Change that carries none: it never reads
// the Change's display attributes, and a resource keeps nothing between
// calls but its configuration.
package accounts
