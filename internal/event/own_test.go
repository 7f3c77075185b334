package event

import (
	"testing"
	"unsafe"
)

// view returns a string sharing b's memory, as a decoder's views do.
func view(b []byte) string { return unsafe.String(&b[0], len(b)) }

func TestOwn_outlivesTheBuffer(t *testing.T) {
	buf := []byte("id-1acct-9us-east-1ec2GetObjectAccessDeniedarn:xaliceIAMUser10.0.0.1curl")
	at := func(lo, hi int) string { return view(buf[lo:hi]) }
	e := &Event{
		ID: at(0, 4), Account: at(4, 10), Region: at(10, 19), Service: at(19, 22),
		Operation: at(22, 31), Error: at(31, 43),
		Actor:   Actor{ID: at(43, 48), Name: at(48, 53), Type: at(53, 60), IP: at(60, 68), UserAgent: at(68, 72)},
		Scratch: true,
	}
	e.Own()
	if e.Scratch {
		t.Error("Scratch still set after Own")
	}
	for i := range buf {
		buf[i] = 'X' // the decoder's next record
	}
	want := Event{
		ID: "id-1", Account: "acct-9", Region: "us-east-1", Service: "ec2", Operation: "GetObject",
		Error: "AccessDenied", Actor: Actor{ID: "arn:x", Name: "alice", Type: "IAMUser", IP: "10.0.0.1", UserAgent: "curl"},
	}
	if e.ID != want.ID || e.Account != want.Account || e.Region != want.Region || e.Service != want.Service ||
		e.Operation != want.Operation || e.Error != want.Error || e.Actor != want.Actor {
		t.Errorf("after Own and the buffer's reuse:\n got %+v\nwant %+v", *e, want)
	}
}

func TestOwn_notScratch(t *testing.T) {
	buf := []byte("abc")
	e := &Event{ID: view(buf)}
	e.Own() // an owned event's strings are left where they are
	if unsafe.StringData(e.ID) != &buf[0] {
		t.Error("Own copied the strings of an event that is not scratch")
	}
	if allocs := testing.AllocsPerRun(100, e.Own); allocs != 0 {
		t.Errorf("Own of an owned event: %v allocations", allocs)
	}
}

func TestClone_notScratch(t *testing.T) {
	buf := []byte("abc")
	e := &Event{ID: view(buf), Scratch: true}
	c := e.Clone()
	buf[0] = 'X'
	if c.Scratch || c.ID != "abc" {
		t.Errorf("Clone of a scratch event: Scratch %v, ID %q; want false, \"abc\"", c.Scratch, c.ID)
	}
}
