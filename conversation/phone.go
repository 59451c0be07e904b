package conversation

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Phone numbers are kept in one form so engineers can dial them and the bot
// can match a customer's tickets: 13812345678 for a mobile, 0459-1234567 for
// a landline, 0459-1234567-801 with an extension.

// phoneLabels are words customers put in front of the number.
var phoneLabels = []string{"联系电话", "电话号码", "手机号码", "手机号", "联系方式", "手机", "电话", "座机", "tel", "phone"}

// extMarks introduce an extension: 0459-1234567转801, …ext.801, …#801.
var extMarks = []string{"转", "分机", "ext.", "ext", "x", "#"}

// NormalisePhone checks a phone number the way customers type it (spaces,
// dashes, brackets, full-width digits, +86, an extension) and returns it in
// canonical form. Landlines need their area code: the engineer calling may
// be in another city.
func NormalisePhone(p string) (string, bool) {
	s := strings.ToLower(strings.TrimFunc(foldWidth(p), phoneFiller))
	s = stripLabel(s)
	s, ext, ok := splitExtension(s)
	if !ok {
		return "", false
	}
	groups, intl, ok := digitGroups(s)
	if !ok || len(groups) == 0 {
		return "", false
	}
	if all := strings.Join(groups, ""); ext == "" && isMobile(all) {
		return all, true
	}
	if intl && groups[0][0] != '0' {
		groups[0] = "0" + groups[0] // +86 459 1234567: the trunk 0 is dropped abroad
	}
	return landline(groups, ext)
}

// phoneFiller is what may surround a number: spaces and sentence punctuation,
// but not the brackets of (0459) or the + of +86.
func phoneFiller(r rune) bool {
	return unicode.IsSpace(r) || strings.ContainsRune("。，,.;；!！?？、:：", r)
}

func stripLabel(s string) string {
	for _, l := range phoneLabels {
		if rest, ok := strings.CutPrefix(s, l); ok {
			return strings.TrimLeftFunc(rest, phoneFiller)
		}
	}
	return s
}

// splitExtension cuts an extension off at its mark. ok is false when the
// mark is there but what follows is not 1-6 digits.
func splitExtension(s string) (number, ext string, ok bool) {
	for _, m := range extMarks {
		if i := strings.Index(s, m); i > 0 {
			ext = strings.TrimFunc(s[i+len(m):], phoneFiller)
			return s[:i], ext, isDigits(ext, 1, 6)
		}
	}
	return s, "", true
}

// digitGroups splits a number at spaces, dashes, dots and brackets, after a
// leading +86 or 0086 (intl reports it). Any other character fails.
func digitGroups(s string) (groups []string, intl bool, ok bool) {
	for _, cc := range []string{"+86", "0086"} {
		if rest, cut := strings.CutPrefix(s, cc); cut {
			s, intl = rest, true
			break
		}
	}
	if strings.ContainsRune(s, '+') {
		return nil, false, false
	}
	groups = strings.FieldsFunc(s, func(r rune) bool { return strings.ContainsRune(" -.()", r) })
	for _, g := range groups {
		if !isDigits(g, 1, 20) {
			return nil, false, false
		}
	}
	// 86 13812345678 without the +: only a mobile can be told apart safely.
	if all := strings.Join(groups, ""); len(all) == 13 && strings.HasPrefix(all, "86") && isMobile(all[2:]) {
		return []string{all[2:]}, true, true
	}
	return groups, intl, true
}

// landline reads area code, local number and extension from the groups:
// 0459 1234567 [801], or 045912345678 written together.
func landline(groups []string, ext string) (string, bool) {
	area, rest := groups[0], groups[1:]
	if len(rest) == 0 {
		if len(area) < 4 || area[0] != '0' {
			return "", false
		}
		n := areaLen(area)
		area, rest = area[:n], []string{area[n:]}
	}
	if !validArea(area) {
		return "", false
	}
	local, ext, ok := localAndExt(rest, ext)
	if !ok {
		return "", false
	}
	out := area + "-" + local
	if ext != "" {
		out += "-" + ext
	}
	return out, true
}

// localAndExt reads what follows the area code: the local number, then an
// extension (0459-1234567-801), unless the local number itself was written
// in parts (0459-123-4567).
func localAndExt(rest []string, ext string) (string, string, bool) {
	if validLocal(rest[0]) {
		switch {
		case len(rest) == 1:
			return rest[0], ext, true
		case len(rest) == 2 && ext == "" && isDigits(rest[1], 1, 6):
			return rest[0], rest[1], true
		}
		return "", "", false
	}
	if joined := strings.Join(rest, ""); len(rest) <= 3 && validLocal(joined) {
		return joined, ext, true
	}
	return "", "", false
}

// areaLen is the length of the area code a number starting with 0 has:
// 010 and 02X are the large cities' three-digit codes, all others have four.
func areaLen(s string) int {
	if strings.HasPrefix(s, "01") || strings.HasPrefix(s, "02") {
		return 3
	}
	return 4
}

// validArea accepts 010, 02X and 0[3-9]XX, the shapes China's area codes have.
func validArea(s string) bool {
	switch {
	case !isDigits(s, 3, 4) || s[0] != '0':
		return false
	case len(s) == 3:
		return s == "010" || s[1] == '2'
	}
	return s[1] >= '3'
}

// validLocal: local numbers have 7 or 8 digits and never start with 0, which
// would be an area code.
func validLocal(s string) bool {
	return isDigits(s, 7, 8) && s[0] != '0'
}

func isMobile(s string) bool {
	return len(s) == 11 && s[0] == '1' && s[1] >= '3' && isDigits(s, 11, 11)
}

func isDigits(s string, min, max int) bool {
	if len(s) < min || len(s) > max {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// MaskPhone hides the middle of a number for display in a message that others
// may see over the customer's shoulder: 138****5678, 0459-***4567. The area
// code and an extension stay, they identify nothing.
func MaskPhone(p string) string {
	if isMobile(p) {
		return p[:3] + "****" + p[7:]
	}
	if parts := strings.Split(p, "-"); len(parts) >= 2 {
		parts[1] = maskAllButLast4(parts[1])
		return strings.Join(parts, "-")
	}
	return maskAllButLast4(p)
}

func maskAllButLast4(s string) string {
	n := utf8.RuneCountInString(s)
	if n <= 4 {
		return strings.Repeat("*", n)
	}
	r := []rune(s)
	return strings.Repeat("*", n-4) + string(r[n-4:])
}
