package sandbox

import (
	"maps"
	"slices"

	"github.com/hotline-desk/hotline/adapters/wechat/wechattest"
)

// templateLook is how WeChat shows one of the demo policy's template
// messages: the template's title and its keywords' names, in order, as the
// account's template library would give them.
type templateLook struct {
	Title    string
	Keywords [][2]string // keyword, name
}

// templateLooks are the demo policy's templates (demo.yaml,
// wechat.templates) by template id.
var templateLooks = map[string]templateLook{
	"DEMO_TICKET_NOTICE": {"工单进度通知", [][2]string{
		{"character_string1", "工单编号"}, {"phrase2", "工单状态"}, {"time3", "更新时间"}, {"thing4", "备注"}}},
	"DEMO_SURVEY_INVITE": {"服务满意度调查", [][2]string{
		{"thing1", "调查名称"}, {"character_string2", "工单编号"}, {"time3", "截止时间"}, {"thing4", "说明"}}},
	"DEMO_RENEWAL_NOTICE": {"服务到期提醒", [][2]string{
		{"thing1", "单位名称"}, {"time2", "到期日期"}}},
	"DEMO_MONTHLY_REPORT": {"月度服务报告", [][2]string{
		{"thing1", "报告名称"}, {"thing2", "单位名称"}, {"time3", "链接有效期至"}, {"thing4", "说明"}}},
	"DEMO_UPKEEP_DONE": {"维护完成通知", [][2]string{
		{"thing1", "维护项目"}, {"thing2", "单位名称"}, {"time3", "完成时间"}, {"thing4", "备注"}}},
}

// templateView is a template message as a card: title, rows, 详情 link.
type templateView struct {
	Title string   `json:"title"`
	Rows  []rowVal `json:"rows"`
	URL   string   `json:"url,omitempty"`
}

type rowVal struct {
	Label string `json:"label"`
	Value string `json:"value"`
}

// templateCard lays m out as WeChat does; a template the demo does not
// know shows its id as the title and its keywords as the names.
func templateCard(m wechattest.Message) *templateView {
	look, ok := templateLooks[m.TemplateID]
	if !ok {
		look.Title = m.TemplateID
		for _, k := range slices.Sorted(maps.Keys(m.Data)) {
			look.Keywords = append(look.Keywords, [2]string{k, k})
		}
	}
	v := &templateView{Title: look.Title, URL: m.URL}
	for _, kw := range look.Keywords {
		if val, ok := m.Data[kw[0]]; ok {
			v.Rows = append(v.Rows, rowVal{Label: kw[1], Value: val})
		}
	}
	return v
}
