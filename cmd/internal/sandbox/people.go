package sandbox

import (
	"bytes"
	_ "embed"
	"fmt"
	"text/template"
	"time"
)

// Person is a demo identity the page can play: a customer on the official
// account, or a staff member in Telegram.
type Person struct {
	ID    string `json:"id"`              // what the page sends: the customer's openid, the staff number
	Name  string `json:"name"`            // 张女士, 李工
	Unit  string `json:"unit,omitempty"`  // the customer's unit; "" for staff
	Role  string `json:"role,omitempty"`  // staff: engineer, lead, manager, quality, dispatcher; "" for customers
	Label string `json:"label"`           // how the page names them: 张女士（大庆市住房公积金管理中心）, 李工 · 工程师
	Phone string `json:"phone,omitempty"` // the customer's phone, offered as a quick reply
	Room  string `json:"room,omitempty"`  // the customer's room, offered as a quick reply

	TelegramID int64    `json:"-"`                  // staff: their Telegram user id (and private chat id)
	Commands   []string `json:"commands,omitempty"` // staff: the commands offered for their role
}

// Customers are the demo customers: their ids are their openids on the
// official account.
var Customers = []Person{
	customer("oDemo-zhang-3f9a1c", "张女士", "大庆市住房公积金管理中心", "13800138001", "302"),
	customer("oDemo-wang-7b2e4d", "王先生", "示范市财政局", "13800138002", "国库科 501"),
	customer("oDemo-liu-5c8d2f", "刘科长", "示范区政务服务中心", "13800138003", "2 楼窗口"),
	customer("oDemo-zhao-9e1b7a", "赵女士", "示范县自然资源局", "13800138004", "信息中心"),
}

// Staff are the demo staff, as in the demo policy (Policy): ids are their
// staff numbers.
var Staff = []Person{
	staff("101", "李工", "engineer", 7100101),
	staff("102", "赵工", "engineer", 7100102),
	staff("201", "王主管", "lead", 7100201),
	staff("301", "陈总", "manager", 7100301),
	staff("401", "周敏", "quality", 7100401),
	staff("501", "孙丽", "dispatcher", 7100501),
}

// roleNames are the staff roles as the page shows them.
var roleNames = map[string]string{
	"engineer": "工程师", "lead": "主管", "manager": "总经理室", "quality": "质量管理部", "dispatcher": "座席",
}

// roleCommands are the commands the page offers each role.
var roleCommands = map[string][]string{
	"engineer":   {"/mine", "/help"},
	"lead":       {"/queue", "/mine", "/new", "/report", "/help"},
	"manager":    {"/queue", "/report", "/round", "/help"},
	"quality":    {"/round", "/report", "/help"},
	"dispatcher": {"/new", "/mine", "/help"},
}

func customer(openID, name, unit, phone, room string) Person {
	return Person{ID: openID, Name: name, Unit: unit, Phone: phone, Room: room,
		Label: fmt.Sprintf("%s（%s）", name, unit)}
}

func staff(number, name, role string, telegramID int64) Person {
	return Person{ID: number, Name: name, Role: role, TelegramID: telegramID,
		Label: name + " · " + roleNames[role], Commands: roleCommands[role]}
}

// find returns the person of people with id.
func find(people []Person, id string) (Person, bool) {
	for _, p := range people {
		if p.ID == id {
			return p, true
		}
	}
	return Person{}, false
}

//go:embed demo.yaml
var demoPolicy string

var demoTemplate = template.Must(template.New("demo.yaml").Option("missingkey=error").Parse(demoPolicy))

// Policy is the demo policy file (YAML for HOTLINE_CONFIG, read with
// policyfile.Parse): the four contracts of SERVICE-PRACTICE.md as plans, a
// unit on each, the demo staff and WeChat templates. The units' free
// service periods are set around now (in Asia/Shanghai): one ends in 40
// days, so its renewal notice comes within the demo; the others run half
// a year either side.
func Policy(now time.Time) ([]byte, error) {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		loc = time.FixedZone("CST", 8*3600) // no zone database: China has had no DST since 1991
	}
	today := now.In(loc)
	start := time.Date(today.Year(), today.Month()-6, 1, 0, 0, 0, 0, loc)
	renewalEnd := today.AddDate(0, 0, 40)
	day := func(t time.Time) string { return t.Format(time.DateOnly) }
	var b bytes.Buffer
	err = demoTemplate.Execute(&b, map[string]string{
		"Start": day(start), "End": day(start.AddDate(1, 0, -1)),
		"RenewalStart": day(renewalEnd.AddDate(-1, 0, 1)), "RenewalEnd": day(renewalEnd),
	})
	if err != nil {
		return nil, fmt.Errorf("sandbox: the demo policy: %w", err)
	}
	return b.Bytes(), nil
}
