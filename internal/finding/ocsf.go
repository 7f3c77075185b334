package finding

import (
	"cmp"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/snapwarden/snapwarden/internal/event"
)

// OCSFVersion is the OCSF schema version the OCSF renderer follows. Every
// attribute it writes exists in 1.3.0 and keeps its meaning in later 1.x.
const OCSFVersion = "1.3.0"

// OCSF Detection Finding constants (class 2004 in the Findings category).
const (
	ocsfCategoryUID  = 2
	ocsfClassUID     = 2004
	ocsfActivityNew  = 1 // Create
	ocsfTypeUID      = ocsfClassUID*100 + ocsfActivityNew
	ocsfAnalyticRule = 1 // analytic.type_id: Rule
)

// OCSF returns a sink that writes each finding as an OCSF 1.3.0 Detection
// Finding (class_uid 2004), one JSON object a line. version is snapwarden's
// own version, for metadata.product.version.
//
// The mapping: time and finding_info.first_seen_time are the first event's
// time (ms since the epoch; the finding describes that moment, and output
// stays reproducible), severity_id is the severity (info=1 … critical=5),
// finding_info.uid is the finding id, analytic names the rule, attacks the
// ATT&CK techniques, message and desc the English summary; cloud, actor and
// resources come from the finding, and each event becomes an evidence (its
// API operation and request id, its actor, its time and normalized action)
// and a related event. Like JSONL, the sink is safe for concurrent use.
func OCSF(w io.Writer, version string) func(Finding) error {
	return lines(w, func(b []byte, f *Finding) ([]byte, error) {
		o := toOCSF(*f, version)
		return o.appendJSON(b), nil
	})
}

type ocsfFinding struct {
	ActivityID   int    `json:"activity_id"`
	ActivityName string `json:"activity_name"`
	CategoryUID  int    `json:"category_uid"`
	CategoryName string `json:"category_name"`
	ClassUID     int    `json:"class_uid"`
	ClassName    string `json:"class_name"`
	TypeUID      int    `json:"type_uid"`
	TypeName     string `json:"type_name"`
	SeverityID   int    `json:"severity_id"`
	Severity     string `json:"severity"`
	Time         int64  `json:"time"`
	StartTime    int64  `json:"start_time"`
	EndTime      int64  `json:"end_time"`
	StatusID     int    `json:"status_id"`
	Status       string `json:"status"`
	Message      string `json:"message,omitempty"`

	Metadata    ocsfMetadata    `json:"metadata"`
	FindingInfo ocsfFindingInfo `json:"finding_info"`
	Cloud       ocsfCloud       `json:"cloud"`
	Actor       *ocsfActor      `json:"actor,omitempty"`
	Resources   []ocsfResource  `json:"resources,omitempty"`
	Evidences   []ocsfEvidence  `json:"evidences,omitempty"`
	Unmapped    *ocsfUnmapped   `json:"unmapped,omitempty"`
}

type ocsfMetadata struct {
	Version  string      `json:"version"`
	Product  ocsfProduct `json:"product"`
	Profiles []string    `json:"profiles"`
	UID      string      `json:"uid"`
}

type ocsfProduct struct {
	Name       string `json:"name"`
	VendorName string `json:"vendor_name"`
	Version    string `json:"version,omitempty"`
}

type ocsfFindingInfo struct {
	UID           string             `json:"uid"`
	Title         string             `json:"title"`
	Desc          string             `json:"desc,omitempty"`
	Types         []string           `json:"types"`
	FirstSeenTime int64              `json:"first_seen_time"`
	LastSeenTime  int64              `json:"last_seen_time"`
	Analytic      ocsfAnalytic       `json:"analytic"`
	Attacks       []ocsfAttack       `json:"attacks,omitempty"`
	RelatedEvents []ocsfRelatedEvent `json:"related_events,omitempty"`
}

type ocsfAnalytic struct {
	UID    string `json:"uid"`
	Name   string `json:"name"`
	TypeID int    `json:"type_id"`
	Type   string `json:"type"`
}

type ocsfAttack struct {
	Technique    ocsfUID  `json:"technique"`
	SubTechnique *ocsfUID `json:"sub_technique,omitempty"`
	Version      string   `json:"version,omitempty"`
}

type ocsfUID struct {
	UID string `json:"uid"`
}

type ocsfRelatedEvent struct {
	UID string `json:"uid"`
}

type ocsfCloud struct {
	Provider string       `json:"provider"`
	Region   string       `json:"region,omitempty"`
	Account  *ocsfAccount `json:"account,omitempty"`
}

type ocsfAccount struct {
	UID string `json:"uid"`
}

type ocsfActor struct {
	User ocsfUser `json:"user"`
}

type ocsfUser struct {
	UID  string `json:"uid"`
	Name string `json:"name,omitempty"`
}

type ocsfResource struct {
	UID  string `json:"uid"`
	Type string `json:"type"`
}

type ocsfEvidence struct {
	API   ocsfAPI           `json:"api"`
	Actor *ocsfActor        `json:"actor,omitempty"`
	Data  map[string]string `json:"data"`
}

type ocsfAPI struct {
	Operation string      `json:"operation"`
	Request   ocsfRequest `json:"request"`
}

type ocsfRequest struct {
	UID string `json:"uid"`
}

// ocsfUnmapped keeps what OCSF has no attribute for.
type ocsfUnmapped struct {
	Summary     map[string]string `json:"summary,omitempty"`
	RuleKind    Kind              `json:"rule_kind,omitempty"`
	Revision    int               `json:"revision,omitempty"`
	Suppression *Suppression      `json:"suppression,omitempty"`
}

var ocsfSeverityNames = [...]string{Info: "Informational", Low: "Low", Medium: "Medium", High: "High", Critical: "Critical"}

// ocsfProviders spells cloud.provider as the providers call themselves.
var ocsfProviders = map[event.Cloud]string{
	event.AWS: "AWS", event.Azure: "Azure", event.GCP: "GCP",
	event.VKCloud: "VK Cloud", event.OpenStack: "OpenStack", event.Yandex: "Yandex Cloud",
}

func toOCSF(f Finding, version string) ocsfFinding {
	start, end := ms(f.Time), ms(f.Time)
	for _, e := range f.Events {
		if t := ms(e.Time); t > end {
			end = t
		}
	}
	statusID, status := ocsfStatus(f.Status)
	o := ocsfFinding{
		ActivityID: ocsfActivityNew, ActivityName: "Create",
		CategoryUID: ocsfCategoryUID, CategoryName: "Findings",
		ClassUID: ocsfClassUID, ClassName: "Detection Finding",
		TypeUID: ocsfTypeUID, TypeName: "Detection Finding: Create",
		Time: start, StartTime: start, EndTime: end,
		StatusID: statusID, Status: status,
		Message: f.Summary["en"],
		Metadata: ocsfMetadata{
			Version:  OCSFVersion,
			Product:  ocsfProduct{Name: "snapwarden", VendorName: "snapwarden", Version: version},
			Profiles: []string{"cloud"},
			UID:      f.ID,
		},
		FindingInfo: ocsfFindingInfo{
			UID:           f.ID,
			Title:         f.Rule.Title,
			Desc:          f.Summary["en"],
			Types:         []string{string(cmp.Or(f.Rule.Kind, KindDetection))},
			FirstSeenTime: start,
			LastSeenTime:  end,
			Analytic:      ocsfAnalytic{UID: f.Rule.ID, Name: f.Rule.Title, TypeID: ocsfAnalyticRule, Type: "Rule"},
		},
		Cloud: ocsfCloud{Provider: cmp.Or(ocsfProviders[f.Cloud], string(f.Cloud), "unknown"), Region: f.Region},
	}
	if f.Severity.Valid() {
		o.SeverityID, o.Severity = int(f.Severity), ocsfSeverityNames[f.Severity]
	} else {
		o.SeverityID, o.Severity = 0, "Unknown"
	}
	if f.Account != "" {
		o.Cloud.Account = &ocsfAccount{UID: f.Account}
	}
	if len(f.Actors) > 0 {
		o.Actor = f.ocsfActor(f.Actors[0])
	}
	for _, r := range f.Resources {
		o.Resources = append(o.Resources, ocsfResource{UID: r.ID, Type: string(r.Type)})
	}
	for _, id := range f.Attack {
		a := ocsfAttack{Technique: ocsfUID{UID: id}}
		if parent, _, ok := strings.Cut(id, "."); ok {
			a.Technique.UID = parent
			a.SubTechnique = &ocsfUID{UID: id}
		}
		o.FindingInfo.Attacks = append(o.FindingInfo.Attacks, a)
	}
	for _, e := range f.Events {
		o.FindingInfo.RelatedEvents = append(o.FindingInfo.RelatedEvents, ocsfRelatedEvent{UID: e.ID})
		ev := ocsfEvidence{
			API:  ocsfAPI{Operation: e.Operation, Request: ocsfRequest{UID: e.ID}},
			Data: map[string]string{"time": e.Time.UTC().Format(time.RFC3339Nano), "action": string(e.Action)},
		}
		if e.Actor != "" {
			ev.Actor = f.ocsfActor(e.Actor)
		}
		o.Evidences = append(o.Evidences, ev)
	}
	if len(f.Summary) > 0 || f.Revision > 0 || f.Suppression != nil {
		o.Unmapped = &ocsfUnmapped{Summary: f.Summary, RuleKind: f.Rule.Kind, Revision: f.Revision, Suppression: f.Suppression}
	}
	return o
}

func (f *Finding) ocsfActor(id string) *ocsfActor {
	return &ocsfActor{User: ocsfUser{UID: id, Name: f.ActorNames[id]}}
}

// ocsfStatus maps a finding's status to OCSF's finding status_id.
func ocsfStatus(s Status) (int, string) {
	switch s {
	case StatusAcknowledged:
		return 2, "In Progress"
	case StatusSuppressed:
		return 3, "Suppressed"
	}
	return 1, "New"
}

func ms(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

// appendJSON writes the finding as encoding/json would, field by field,
// without reflection (see Finding.AppendJSON).
func (o *ocsfFinding) appendJSON(b []byte) []byte {
	b = append(b, `{"activity_id":`...)
	b = strconv.AppendInt(b, int64(o.ActivityID), 10)
	b = appendKeyString(b, "activity_name", o.ActivityName)
	b = appendKeyInt(b, "category_uid", int64(o.CategoryUID))
	b = appendKeyString(b, "category_name", o.CategoryName)
	b = appendKeyInt(b, "class_uid", int64(o.ClassUID))
	b = appendKeyString(b, "class_name", o.ClassName)
	b = appendKeyInt(b, "type_uid", int64(o.TypeUID))
	b = appendKeyString(b, "type_name", o.TypeName)
	b = appendKeyInt(b, "severity_id", int64(o.SeverityID))
	b = appendKeyString(b, "severity", o.Severity)
	b = appendKeyInt(b, "time", o.Time)
	b = appendKeyInt(b, "start_time", o.StartTime)
	b = appendKeyInt(b, "end_time", o.EndTime)
	b = appendKeyInt(b, "status_id", int64(o.StatusID))
	b = appendKeyString(b, "status", o.Status)
	if o.Message != "" {
		b = appendKeyString(b, "message", o.Message)
	}
	m := &o.Metadata
	b = append(b, `,"metadata":{"version":`...)
	b = appendJSONString(b, m.Version)
	b = append(b, `,"product":{"name":`...)
	b = appendJSONString(b, m.Product.Name)
	b = appendKeyString(b, "vendor_name", m.Product.VendorName)
	if m.Product.Version != "" {
		b = appendKeyString(b, "version", m.Product.Version)
	}
	b = append(b, `},"profiles":`...)
	b = appendJSONStrings(b, m.Profiles)
	b = appendKeyString(b, "uid", m.UID)
	fi := &o.FindingInfo
	b = append(b, `},"finding_info":{"uid":`...)
	b = appendJSONString(b, fi.UID)
	b = appendKeyString(b, "title", fi.Title)
	if fi.Desc != "" {
		b = appendKeyString(b, "desc", fi.Desc)
	}
	b = append(b, `,"types":`...)
	b = appendJSONStrings(b, fi.Types)
	b = appendKeyInt(b, "first_seen_time", fi.FirstSeenTime)
	b = appendKeyInt(b, "last_seen_time", fi.LastSeenTime)
	b = append(b, `,"analytic":{"uid":`...)
	b = appendJSONString(b, fi.Analytic.UID)
	b = appendKeyString(b, "name", fi.Analytic.Name)
	b = appendKeyInt(b, "type_id", int64(fi.Analytic.TypeID))
	b = appendKeyString(b, "type", fi.Analytic.Type)
	b = append(b, '}')
	if len(fi.Attacks) > 0 {
		b = append(b, `,"attacks":[`...)
		for i, a := range fi.Attacks {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"technique":{"uid":`...)
			b = appendJSONString(b, a.Technique.UID)
			b = append(b, '}')
			if a.SubTechnique != nil {
				b = append(b, `,"sub_technique":{"uid":`...)
				b = appendJSONString(b, a.SubTechnique.UID)
				b = append(b, '}')
			}
			if a.Version != "" {
				b = appendKeyString(b, "version", a.Version)
			}
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	if len(fi.RelatedEvents) > 0 {
		b = append(b, `,"related_events":[`...)
		for i, r := range fi.RelatedEvents {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"uid":`...)
			b = appendJSONString(b, r.UID)
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	b = append(b, `},"cloud":{"provider":`...)
	b = appendJSONString(b, o.Cloud.Provider)
	if o.Cloud.Region != "" {
		b = appendKeyString(b, "region", o.Cloud.Region)
	}
	if o.Cloud.Account != nil {
		b = append(b, `,"account":{"uid":`...)
		b = appendJSONString(b, o.Cloud.Account.UID)
		b = append(b, '}')
	}
	b = append(b, '}')
	if o.Actor != nil {
		b = append(b, `,"actor":`...)
		b = o.Actor.appendJSON(b)
	}
	if len(o.Resources) > 0 {
		b = append(b, `,"resources":[`...)
		for i, r := range o.Resources {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"uid":`...)
			b = appendJSONString(b, r.UID)
			b = appendKeyString(b, "type", r.Type)
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	if len(o.Evidences) > 0 {
		b = append(b, `,"evidences":[`...)
		for i, e := range o.Evidences {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"api":{"operation":`...)
			b = appendJSONString(b, e.API.Operation)
			b = append(b, `,"request":{"uid":`...)
			b = appendJSONString(b, e.API.Request.UID)
			b = append(b, `}}`...)
			if e.Actor != nil {
				b = append(b, `,"actor":`...)
				b = e.Actor.appendJSON(b)
			}
			b = append(b, `,"data":`...)
			b = appendJSONMap(b, e.Data)
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	if u := o.Unmapped; u != nil {
		b = append(b, `,"unmapped":{`...)
		n := len(b)
		if len(u.Summary) > 0 {
			b = append(b, `,"summary":`...)
			b = appendJSONMap(b, u.Summary)
		}
		if u.RuleKind != "" {
			b = appendKeyString(b, "rule_kind", string(u.RuleKind))
		}
		if u.Revision != 0 {
			b = appendKeyInt(b, "revision", int64(u.Revision))
		}
		if u.Suppression != nil {
			b = appendSuppression(b, u.Suppression)
		}
		if len(b) > n {
			b = append(b[:n], b[n+1:]...) // the first member's comma
		}
		b = append(b, '}')
	}
	return append(b, '}')
}

func (a *ocsfActor) appendJSON(b []byte) []byte {
	b = append(b, `{"user":{"uid":`...)
	b = appendJSONString(b, a.User.UID)
	if a.User.Name != "" {
		b = appendKeyString(b, "name", a.User.Name)
	}
	return append(b, `}}`...)
}
