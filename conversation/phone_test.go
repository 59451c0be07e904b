package conversation

import "testing"

func TestNormalisePhone(t *testing.T) {
	for _, c := range []struct {
		in, want string
		ok       bool
	}{
		{"13812345678", "13812345678", true},
		{"138 1234 5678", "13812345678", true},
		{"138-1234-5678", "13812345678", true},
		{"１３８１２３４５６７８", "13812345678", true},
		{"+86 138 1234 5678", "13812345678", true},
		{"8613812345678", "13812345678", true},
		{"手机：13812345678。", "13812345678", true},
		{"19912345678", "19912345678", true},
		{"0459-1234567", "0459-1234567", true},
		{"045912345678", "0459-12345678", true},
		{"04591234567", "0459-1234567", true},
		{"(0459)1234567", "0459-1234567", true},
		{"（0459）1234567", "0459-1234567", true},
		{"0459 123 4567", "0459-1234567", true},
		{"010-12345678", "010-12345678", true},
		{"01012345678", "010-12345678", true},
		{"021 6123 4567", "021-61234567", true},
		{"0459-1234567-801", "0459-1234567-801", true},
		{"0459-1234567转801", "0459-1234567-801", true},
		{"0459 1234567 转 801", "0459-1234567-801", true},
		{"0459-1234567 ext. 12", "0459-1234567-12", true},
		{"0459－1234567", "0459-1234567", true},
		{"电话 0459-1234567", "0459-1234567", true},
		{"+86 459 1234567", "0459-1234567", true},

		{"", "", false},
		{"1234567", "", false},              // no area code
		{"12812345678", "", false},          // not a mobile prefix
		{"1381234567", "", false},           // ten digits
		{"138123456789", "", false},         // twelve digits
		{"13812345678转801", "", false},      // mobiles have no extension
		{"0459-123456", "", false},          // local number too short
		{"0459-0123456", "", false},         // local number cannot start with 0
		{"0100-1234567", "", false},         // 010 has three digits
		{"045-1234567", "", false},          // four-digit area written short
		{"0459-1234567转", "", false},        // empty extension
		{"0459-1234567转1234567", "", false}, // extension too long
		{"138一二三四五六七八", "", false},
		{"我的电话13812345678", "", false},
		{"0459-1234567-801-2", "", false},
	} {
		got, ok := NormalisePhone(c.in)
		if got != c.want || ok != c.ok {
			t.Errorf("NormalisePhone(%q) = %q, %v; want %q, %v", c.in, got, ok, c.want, c.ok)
		}
		if ok {
			again, ok2 := NormalisePhone(got)
			if again != got || !ok2 {
				t.Errorf("NormalisePhone(%q) not stable: %q, %v", got, again, ok2)
			}
		}
	}
}

func TestMaskPhone(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"13812345678", "138****5678"},
		{"0459-1234567", "0459-***4567"},
		{"010-12345678", "010-****5678"},
		{"0459-1234567-801", "0459-***4567-801"},
		{"12345", "*2345"},
		{"123", "***"},
		{"", ""},
	} {
		if got := MaskPhone(c.in); got != c.want {
			t.Errorf("MaskPhone(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
