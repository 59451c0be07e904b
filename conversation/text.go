package conversation

// Everything the customer reads, in one place, so the wording can be
// reviewed as a whole. It is read on a phone: short lines, one request per
// message, and the keyword to reply with in 「」 so it stands out.

const welcomeText = "您好，欢迎关注！这里是售后服务台。\n" +
	"遇到系统问题，直接把问题发给我们就能报修，也可以点击下方菜单「报修」。\n" +
	"回复「帮助」查看更多功能。"

const helpText = "您可以这样使用：\n" +
	"· 直接发送问题描述即可报修，可附图片或语音\n" +
	"· 「查询」查看工单进度\n" +
	"· 「投诉」加内容，反映服务问题\n" +
	"· 「人工」请客服给您回电\n" +
	"· 「报修」开始一份新的报修\n" +
	"· 「继续」接着填写未提交的报修\n" +
	"· 「取消」放弃正在填写的报修"

// WelcomeText is sent when a customer follows the official account: it says
// how to report a fault, which is what almost everyone comes for.
func WelcomeText() string { return welcomeText }

// HelpText lists what the bot can do and the keywords that do it.
func HelpText() string { return helpText }

// Questions, one per state.
const (
	askDescription    = "请简单描述您遇到的问题。"
	askNewDescription = "请发送新的问题描述，它会替换原来的描述。"
	askUnit           = "请问您的单位名称是？"
	askName           = "请问怎么称呼您？（联系人姓名）"
	askPhone          = "请留下联系电话：11 位手机号，或带区号的座机（如 0459-1234567）。"
	askRoom           = "请问您的房间号是？没有请回复「无」。"
	askComplaint      = "请说明您要投诉的内容，我们会尽快核实处理。"

	severityHead     = "请选择问题的严重程度："
	severityTextTail = "请回复数字 1-5。"
	severityMenuTail = "也可以直接回复数字 1-5。"

	profileQuestionFmt  = "还是%s的%s（%s）吗？"
	profileRoomFmt      = "还是%s的%s（%s，房间号 %s）吗？"
	profileInstruction  = "回复「是」继续，或「否」重新填写。"
	summaryHead         = "请核对报修信息："
	summaryTextTail     = "请回复数字或文字。"
	summaryMenuTail     = "也可以回复数字 1-3。"
	editHead            = "请问要修改哪一项？"
	editTextTail        = "请回复数字或名称。"
	editMenuTail        = "也可以回复数字 1-6。"
	summaryGuessedMark  = "（暂定）"
	summaryMoreFmt      = "…（共 %d 字）"
	summaryImagesFmt    = "图片 %d 张"
	summaryAttachLabel  = "附件"
	summaryFieldLineFmt = "\n%s：%s"
)

// Acknowledgements and hints that come before a question.
const (
	gotDescription    = "收到，已记下您的问题。"
	updatedNote       = "已更新。"
	appendedNote      = "已把您发的内容补充到问题描述。"
	severityMissNote  = "没能识别您选的级别，您发的内容已补充到问题描述。"
	severityDefaulted = "先按「普通问题」为您登记，工程师会根据实际情况调整。"
	severityKept      = "严重程度保持不变。"
	phoneBadNote      = "这个号码格式不对（已先补充到问题描述）。"
	tooLongFmt        = "%s最多 %d 个字，请发简短一些的（您发的内容已补充到问题描述）。"
	profileRedo       = "好的，我们重新填写。"
	pendingNote       = "您的报修还没提交，请继续："
	continueNote      = "好的，请继续："
	resumedNote       = "好的，我们接着填写刚才的报修。"
	swappedNote       = "好的，接着填写之前的报修；刚才这份已保存，回复「继续」可切换回来。"
	newReportSaved    = "好的，开始新的报修。刚才未提交的报修已保存，回复「继续」可接着填写。"
	staleNote         = "这个选项已失效。"
	overflowNote      = "问题描述已达 4000 字上限，超出的内容已另行记录，不会丢失。"
)

// Replies that stand alone.
const (
	cancelledText       = "已取消本次报修。需要时直接发送问题描述即可重新报修。"
	savedCancelledText  = "已取消之前未提交的报修。"
	nothingToCancelText = "目前没有正在填写的报修。"
	complaintCancelText = "已取消投诉。"
	complaintAckText    = "您的投诉已收到，我们会尽快核实并给您答复。"
	complaintMediaText  = "已收到，请再用文字说明投诉内容。"
	callbackAckText     = "已为您登记人工回电，客服会尽快与您联系。"
	relayedFmt          = "已转达给处理您工单 #%d 的工程师。报修新问题请回复「报修」。"
	nothingToContinue   = "目前没有未提交的报修。请直接描述您遇到的问题。"
	staleIdleText       = "这个选项已失效。如需报修，请直接描述您遇到的问题。"
	emptyIdleText       = "请直接描述您遇到的问题，或回复「帮助」查看更多功能。"
	setAsideText        = "您之前的报修还没提交，回复「继续」接着填写，或直接描述新问题。"
	setAsideNewText     = "您之前有一份报修还没提交，已为您保存，回复「继续」可接着填写。"
)

// mediaNames words each attachment kind the way a customer would.
var mediaNames = map[string]string{AttachmentImage: "图片", AttachmentVoice: "语音", AttachmentVideo: "视频",
	AttachmentLocation: "位置", AttachmentLink: "链接", AttachmentFile: "文件"}

const (
	mediaKeptFmt  = "已收到%s，将随报修单一起提交。"
	mediaStartFmt = "已收到%s。"
)

// A satisfaction survey in the chat (survey.go).
const (
	surveyOptOutText  = "好的，已为您退订满意度调查消息，今后不再发送。工单通知不受影响；如需恢复，回复「恢复调查」。"
	surveyOptInText   = "好的，已为您恢复满意度调查消息。感谢您帮助我们改进服务！"
	surveyTooLateText = "感谢您的回复！这次调查已经结束，您的回答不再计入统计。如有问题需要处理，直接描述即可。"
	surveyDoneText    = "您已经完成了这次调查，感谢您的参与！"
	surveyThanksText  = "感谢您参与调查，祝您工作顺利！"
	surveyStaleText   = "抱歉，这个选项已失效。如需帮助，直接描述您的问题即可。"
	surveyOptOutTail  = "回复 TD 不再接收调查。"
)

// The customer's confirmation of a resolved ticket (confirm.go).
const (
	confirmQuestionFmt = "您的工单 #%d 已处理：%s\n请问问题是否已经解决？"
	confirmTextTail    = "回复「1」已解决，「2」未解决。"
	confirmMenuTail    = "也可以回复 1 或 2。"
	confirmedFmt       = "感谢您的确认，工单 #%d 已关闭。如有其他问题，随时给我们留言。"
	reopenedFmt        = "抱歉问题还没解决，工单 #%d 已重新打开，工程师会继续处理并尽快与您联系。"
	notAwaitingFmt     = "工单 #%d 目前状态为「%s」，如有新问题请直接描述。"
)

// summaryCountFmt words how many of each kind of attachment a report holds.
var summaryCountFmt = map[string]string{AttachmentImage: summaryImagesFmt, AttachmentVoice: "语音 %d 条",
	AttachmentVideo: "视频 %d 段", AttachmentLocation: "位置 %d 个", AttachmentLink: "链接 %d 个", AttachmentFile: "文件 %d 个"}
