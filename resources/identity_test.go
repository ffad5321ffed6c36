package resources

import (
	"fmt"
	"testing"
)

func TestIdentitiesCompareByCanonicalName(t *testing.T) {
	if FileID("/etc//postfix/") != FileID("/etc/postfix") {
		t.Error("two spellings of one path are two identities")
	}
	if FileID("/etc/x") == KindID("file_group", "/etc/x") || PackageID("x") == UserID("x") {
		t.Error("identities of two classes compare equal")
	}
	for _, id := range []ID{FileID("/etc/a:b"), PackageID("postfix"), ServiceID("postfix@-.service"), KindID("postfix_map", "pcre:/etc/x")} {
		back, err := ParseIdentity(id.String())
		if err != nil || back != id {
			t.Errorf("%s came back as %v, %v", id, back, err)
		}
	}
	if back, _ := ParseIdentity("file:/etc//x/"); back != FileID("/etc/x") {
		t.Errorf("a parsed path is not cleaned: %s", back)
	}
	for _, bad := range []string{"", "postfix", ":x"} {
		if _, err := ParseIdentity(bad); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}

func TestOrderHelpers(t *testing.T) {
	if got := fmt.Sprint(AfterParents("/etc/ssl//private/key.pem")); got != "[after file:/etc after file:/etc/ssl after file:/etc/ssl/private]" {
		t.Errorf("AfterParents: %s", got)
	}
	if AfterParents("relative/x") != nil || AfterParents("/x") != nil {
		t.Error("a relative path or a file under / has parents to order after")
	}
	if got := fmt.Sprint(AfterAccounts("opendkim", "0")); got != "[after user:opendkim]" {
		t.Errorf("AfterAccounts: %s", got)
	}
	if got := fmt.Sprint(Orders(AfterParents("/etc/ssl/certs/a.pem"), AfterAccounts("root", ""), AfterParents("/etc/ssl/private/a.key"))); got != "[after file:/etc after file:/etc/ssl after file:/etc/ssl/certs after user:root after file:/etc/ssl/private]" {
		t.Errorf("Orders: %s", got)
	}
	if got := Before(Every(ClassPackage)).String(); got != "before every package" {
		t.Errorf("whole class: %s", got)
	}
	if !Before(Every(ClassPackage)).Whole() || After(PackageID("postfix")).Whole() {
		t.Error("Whole is wrong")
	}
}
