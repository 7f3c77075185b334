// Package timeorder puts items in order (usually by event time) whatever the
// order they arrive in, holding at most a memory budget of them and spilling
// sorted runs to temporary files past it, then merging the runs on Drain. It
// lets hunt feed correlation in event-time order over months of logs.
//
// It knows nothing of events or findings; callers give it a less function and
// a Codec. It imports only the standard library.
package timeorder
