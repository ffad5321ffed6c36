package debian

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
)

// OpenPGP packet tags (RFC 4880, 4.3) a public key's transferable form
// is made of, and the ones that mean a private key.
const (
	tagSignature     = 2
	tagSecretKey     = 5
	tagPublicKey     = 6
	tagSecretSubkey  = 7
	tagTrust         = 12
	tagUserID        = 13
	tagPublicSubkey  = 14
	tagUserAttribute = 17
)

const armorPublic = "PUBLIC KEY BLOCK"

// checkPublicKey accepts one or more OpenPGP public keys, ASCII-armored
// (then armored is true) or binary. Nothing of the key is ever quoted
// back: a private key pasted by mistake stays out of every message.
func checkPublicKey(key []byte) (armored bool, err error) {
	if len(bytes.TrimSpace(key)) == 0 {
		return false, errors.New("is empty")
	}
	trimmed := bytes.TrimLeft(key, " \t\r\n")
	if bytes.HasPrefix(trimmed, []byte("-----BEGIN PGP ")) {
		packets, err := dearmor(string(trimmed))
		if err != nil {
			return true, err
		}
		return true, checkPackets(packets)
	}
	if key[0]&0x80 == 0 {
		return false, errors.New("is neither an ASCII-armored OpenPGP key (-----BEGIN PGP PUBLIC KEY BLOCK-----) nor a binary one")
	}
	return false, checkPackets(key)
}

// dearmor decodes every armored block of text, all of which must be
// public key blocks, and returns their packets, concatenated.
func dearmor(text string) ([]byte, error) {
	var out []byte
	for rest := strings.TrimSpace(text); rest != ""; rest = strings.TrimSpace(rest) {
		kind, ok := armorKind(rest)
		switch {
		case !ok:
			return nil, errors.New("has text outside its armored blocks, or a block without a -----BEGIN PGP ...----- line")
		case kind == "PRIVATE KEY BLOCK":
			return nil, errors.New("is a private key: give the public key (gpg --export --armor KEYID)")
		case kind != armorPublic:
			return nil, fmt.Errorf("is an armored %s, not a %s", strings.ToLower(kind), armorPublic)
		}
		end := "-----END PGP " + armorPublic + "-----"
		i := strings.Index(rest, end)
		if i < 0 {
			return nil, errors.New("has no " + end + " line")
		}
		packets, err := armorBody(rest[:i])
		if err != nil {
			return nil, err
		}
		out = append(out, packets...)
		rest = rest[i+len(end):]
	}
	return out, nil
}

// armorKind reads "-----BEGIN PGP KIND-----" at the start of text.
func armorKind(text string) (string, bool) {
	line, _, _ := strings.Cut(text, "\n")
	line = strings.TrimSpace(line)
	kind, ok := strings.CutPrefix(line, "-----BEGIN PGP ")
	if !ok || !strings.HasSuffix(kind, "-----") {
		return "", false
	}
	return strings.TrimSuffix(kind, "-----"), true
}

// armorBody decodes a block from its BEGIN line up to its END line: the
// header lines, a blank line, base64 and an optional CRC-24 line.
func armorBody(block string) ([]byte, error) {
	lines := strings.Split(strings.ReplaceAll(block, "\r\n", "\n"), "\n")[1:]
	i := 0
	for i < len(lines) && strings.TrimSpace(lines[i]) != "" && strings.Contains(lines[i], ": ") {
		i++ // armor headers: Version, Comment
	}
	var b64, sum strings.Builder
	for _, l := range lines[i:] {
		l = strings.TrimSpace(l)
		if c, ok := strings.CutPrefix(l, "="); ok && len(c) == 4 {
			sum.WriteString(c)
			continue
		}
		b64.WriteString(l)
	}
	data, err := base64.StdEncoding.DecodeString(b64.String())
	if err != nil || len(data) == 0 {
		return nil, errors.New("has an armored block whose content is not base64")
	}
	if sum.Len() > 0 {
		want, err := base64.StdEncoding.DecodeString(sum.String())
		got := crc24(data)
		if err != nil || len(want) != 3 || [3]byte(want) != [3]byte{byte(got >> 16), byte(got >> 8), byte(got)} {
			return nil, errors.New("has an armored block whose checksum does not match its content (damaged in copying?)")
		}
	}
	return data, nil
}

// crc24 is the armor checksum of RFC 4880, 6.1.
func crc24(data []byte) uint32 {
	crc := uint32(0xB704CE)
	for _, b := range data {
		crc ^= uint32(b) << 16
		for range 8 {
			crc <<= 1
			if crc&0x1000000 != 0 {
				crc ^= 0x1864CFB
			}
		}
	}
	return crc & 0xFFFFFF
}

// checkPackets walks the packets: the first of each key must be a public
// key, and nothing may be secret or foreign to a transferable public key.
func checkPackets(data []byte) error {
	first := true
	for len(data) > 0 {
		tag, body, rest, err := nextPacket(data)
		if err != nil {
			return err
		}
		switch {
		case tag == tagSecretKey || tag == tagSecretSubkey:
			return errors.New("holds a private key: give the public key (gpg --export KEYID)")
		case first && tag != tagPublicKey:
			return fmt.Errorf("is OpenPGP data but not a public key (its first packet has tag %d, a public key 6)", tag)
		case tag != tagPublicKey && tag != tagPublicSubkey && tag != tagUserID && tag != tagSignature &&
			tag != tagTrust && tag != tagUserAttribute:
			return fmt.Errorf("holds an OpenPGP packet of tag %d, which has no place in a public key", tag)
		case tag == tagPublicKey && len(body) == 0:
			return errors.New("has an empty public key packet")
		}
		first = false
		data = rest
	}
	return nil
}

// nextPacket splits off the first packet (RFC 4880, 4.2). Partial body
// lengths, which public keys never use, are refused.
func nextPacket(data []byte) (tag int, body, rest []byte, err error) {
	bad := errors.New("is not a well-formed OpenPGP packet sequence")
	h := data[0]
	if h&0x80 == 0 {
		return 0, nil, nil, bad
	}
	var n, hdr int
	if h&0x40 != 0 { // new format
		tag = int(h & 0x3f)
		n, hdr, err = newLength(data[1:])
	} else {
		tag = int(h>>2) & 0x0f
		n, hdr, err = oldLength(data[1:], h&3)
	}
	if err != nil || 1+hdr+n > len(data) {
		return 0, nil, nil, bad
	}
	start := 1 + hdr
	return tag, data[start : start+n], data[start+n:], nil
}

func newLength(b []byte) (n, size int, err error) {
	switch {
	case len(b) >= 1 && b[0] < 192:
		return int(b[0]), 1, nil
	case len(b) >= 2 && b[0] < 224:
		return (int(b[0])-192)<<8 + int(b[1]) + 192, 2, nil
	case len(b) >= 5 && b[0] == 255:
		return int(b[1])<<24 | int(b[2])<<16 | int(b[3])<<8 | int(b[4]), 5, nil
	}
	return 0, 0, errors.New("bad length")
}

func oldLength(b []byte, lt byte) (n, size int, err error) {
	size = [4]int{1, 2, 4, 0}[lt]
	if size == 0 || len(b) < size {
		return 0, 0, errors.New("bad length")
	}
	for _, c := range b[:size] {
		n = n<<8 | int(c)
	}
	return n, size, nil
}
