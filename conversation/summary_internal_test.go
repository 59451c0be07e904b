package conversation

import "testing"

// The summary counts each kind of attachment under its own name.
func TestAttachmentCounts(t *testing.T) {
	got := attachmentCounts([]Attachment{{Kind: AttachmentImage}, {Kind: AttachmentLocation}, {Kind: AttachmentLink},
		{Kind: AttachmentImage}, {Kind: AttachmentVideo}})
	if want := "图片 2 张，视频 1 段，位置 1 个，链接 1 个"; got != want {
		t.Errorf("attachmentCounts = %q, want %q", got, want)
	}
}
