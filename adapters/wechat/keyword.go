package wechat

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Template keywords carry their type in their name (thing3, phrase2), and
// WeChat checks each value by it, refusing a message with a value that
// breaks its rule (47003): the message is lost. So every value is fitted
// to its keyword's type before the send, and one that cannot fit stops the
// send with an error that names the field, instead of a refusal later.

// keywordType is the type a keyword's name gives: thing3 → thing. Names
// without a known type (the keyword1 of old templates) count as thing.
func keywordType(keyword string) string {
	t := strings.TrimRight(keyword, "0123456789")
	switch t {
	case "thing", "character_string", "phrase", "time", "date", "number", "amount", "name", "phone_number":
		return t
	}
	return "thing"
}

// Limits of the types, in characters.
const (
	maxThing           = 20
	maxCharacterString = 32
	maxPhrase          = 5
	maxName            = 10
	maxNumber          = 32
)

var (
	timeValue   = regexp.MustCompile(`^(\d{4}-\d{2}-\d{2}( \d{2}:\d{2}(:\d{2})?)?|\d{4}年\d{1,2}月\d{1,2}日( \d{1,2}:\d{2})?|\d{2}:\d{2})$`)
	amountValue = regexp.MustCompile(`^[¥￥]?\d+(\.\d{1,2})?元?$`)
	phoneValue  = regexp.MustCompile(`^[0-9+\-]{3,20}$`)
)

// errValue is a value that cannot be made to fit its keyword's type.
var errValue = errors.New("does not fit the keyword's type")

// fitValue fits v to the rules of keyword's type: a thing is cut to 20
// characters (the last an ellipsis), a character_string keeps its letters,
// digits and symbols up to 32, a phrase keeps its Chinese characters, and
// the others must already be right. An error names what is wrong.
func fitValue(keyword, v string) (string, error) {
	v = strings.TrimSpace(v)
	switch typ := keywordType(keyword); typ {
	case "thing":
		return truncateRunes(v, maxThing), nil
	case "character_string":
		out := strings.Map(func(r rune) rune {
			if r > 0x20 && r < 0x7f {
				return r
			}
			return -1
		}, v)
		if out == "" {
			return "", fmt.Errorf("%s %q: %w (letters, digits and symbols)", keyword, v, errValue)
		}
		return truncateRunes(out, maxCharacterString), nil
	case "phrase":
		out := strings.Map(func(r rune) rune {
			if unicode.Is(unicode.Han, r) {
				return r
			}
			return -1
		}, v)
		if n := utf8.RuneCountInString(out); n == 0 || n > maxPhrase {
			return "", fmt.Errorf("%s %q: %w (at most %d Chinese characters)", keyword, v, errValue, maxPhrase)
		}
		return out, nil
	case "time", "date":
		if !timeValue.MatchString(v) {
			return "", fmt.Errorf("%s %q: %w (a time like 2026-12-08 15:01)", keyword, v, errValue)
		}
		return v, nil
	case "number":
		if v == "" || len(v) > maxNumber || strings.TrimLeft(v, "0123456789") != "" {
			return "", fmt.Errorf("%s %q: %w (digits)", keyword, v, errValue)
		}
		return v, nil
	case "amount":
		if !amountValue.MatchString(v) {
			return "", fmt.Errorf("%s %q: %w (an amount like 12.50)", keyword, v, errValue)
		}
		return v, nil
	case "name":
		if v == "" || utf8.RuneCountInString(v) > maxName {
			return "", fmt.Errorf("%s %q: %w (a name of at most %d characters)", keyword, v, errValue, maxName)
		}
		return v, nil
	default: // phone_number
		if !phoneValue.MatchString(strings.ReplaceAll(v, " ", "")) {
			return "", fmt.Errorf("%s %q: %w (digits, + and -)", keyword, v, errValue)
		}
		return strings.ReplaceAll(v, " ", ""), nil
	}
}
