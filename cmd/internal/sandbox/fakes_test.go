package sandbox

import (
	"net/http"
	"strings"
	"testing"
)

func TestCheckEnvRefusesProductionSettings(t *testing.T) {
	if err := CheckEnv(func(string) string { return "" }); err != nil {
		t.Errorf("nothing set: %v", err)
	}
	env := map[string]string{"HOTLINE_DATABASE_URL": "postgres://db/hotline", "HOTLINE_TELEGRAM_TOKEN": "123:real", "HOTLINE_HTTP_ADDR": ":9090"}
	err := CheckEnv(func(k string) string { return env[k] })
	if err == nil {
		t.Fatal("production settings accepted")
	}
	for _, want := range []string{"HOTLINE_DATABASE_URL", "HOTLINE_TELEGRAM_TOKEN", "取消"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%q does not name %s", err, want)
		}
	}
	if strings.Contains(err.Error(), "HOTLINE_HTTP_ADDR") {
		t.Errorf("%q refuses the listen address, which the sandbox may use", err)
	}
}

func TestStartFakesTakeTheSandboxCredentials(t *testing.T) {
	f := StartFakes()
	defer f.Close()
	resp, err := http.Get(f.WeChat.URL + "/cgi-bin/token?grant_type=client_credential&appid=" + AppID + "&secret=" + AppSecret)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if f.WeChat.TokenFetches() != 1 {
		t.Error("the WeChat fake refused the sandbox's credentials")
	}
	resp, err = http.Get(strings.Replace(f.Telegram.Endpoint(), "%s/%s", BotToken+"/getMe", 1))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("getMe with the sandbox's bot token: HTTP %d", resp.StatusCode)
	}
}

func TestBaseURL(t *testing.T) {
	for addr, want := range map[string]string{
		":8080": "http://127.0.0.1:8080", "0.0.0.0:9000": "http://127.0.0.1:9000", "[::]:8080": "http://[::1]:8080",
		"127.0.0.1:8080": "http://127.0.0.1:8080", "localhost:80": "http://localhost:80",
	} {
		if got := BaseURL(addr); got != want {
			t.Errorf("BaseURL(%q) = %q, want %q", addr, got, want)
		}
	}
}
