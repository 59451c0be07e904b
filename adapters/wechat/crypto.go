package wechat

import (
	"crypto/rand"
	"encoding/xml"
	"errors"
	"fmt"
	"net/url"
	"strconv"

	"github.com/silenceper/wechat/v2/officialaccount/message"
	"github.com/silenceper/wechat/v2/util"
)

var (
	errNoEncrypt = errors.New("no Encrypt element")
	errDecrypt   = errors.New("cannot decrypt")
)

// cipherBox opens safe-mode callbacks and seals passive replies: AES-256-CBC
// with IV = key[:16], PKCS#7 padding and the AppID inside (util does the
// arithmetic; the key was checked at construction, so it never panics).
type cipherBox struct {
	appID  string
	aesKey string
	sig    verifier
}

// open checks msg_signature over the Encrypt element and returns the
// decrypted XML. A bad msg_signature is errBadSignature; anything else is a
// body that cannot be read.
func (c cipherBox) open(q url.Values, body []byte) ([]byte, error) {
	var env message.EncryptedXMLMsg
	if err := xml.Unmarshal(body, &env); err != nil {
		return nil, fmt.Errorf("envelope: %w", err)
	}
	if env.EncryptedMsg == "" {
		return nil, errNoEncrypt
	}
	if err := c.sig.checkMsgSignature(q, env.EncryptedMsg); err != nil {
		return nil, err
	}
	// DecryptMsg also rejects a message sealed for another AppID.
	_, plain, err := util.DecryptMsg(c.appID, env.EncryptedMsg, c.aesKey)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", errDecrypt, err)
	}
	return plain, nil
}

// seal encrypts a passive reply and signs it with a fresh timestamp and the
// request's nonce, as WeChat verifies it.
func (c cipherBox) seal(plain []byte, nonce string) ([]byte, error) {
	random := make([]byte, 16)
	// crypto/rand.Read never returns an error since Go 1.24.
	_, _ = rand.Read(random)
	sealed, err := util.EncryptMsg(random, plain, c.appID, c.aesKey)
	if err != nil {
		return nil, fmt.Errorf("encrypt reply: %w", err)
	}
	ts := c.sig.now().Unix()
	out := message.ResponseEncryptedXMLMsg{
		EncryptedMsg: string(sealed),
		MsgSignature: util.Signature(c.sig.token, strconv.FormatInt(ts, 10), nonce, string(sealed)),
		Timestamp:    ts,
		Nonce:        nonce,
	}
	return xml.Marshal(out)
}
