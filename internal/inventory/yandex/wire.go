package yandex

import (
	"bytes"
	"strconv"
	"time"
)

// The REST API's resource shapes (camelCase, as the JSON mapping of
// yandex.cloud.compute.v1 gives them), keeping only what a record needs.

// int64s is a proto int64, which the JSON mapping writes as a string; a bare
// number is accepted too.
type int64s int64

func (n *int64s) UnmarshalJSON(b []byte) error {
	b = bytes.Trim(b, `"`)
	if len(b) == 0 || string(b) == "null" {
		*n = 0
		return nil
	}
	v, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil {
		return err
	}
	*n = int64s(v)
	return nil
}

// gib returns bytes as whole GiB, rounded up (sizes are GiB multiples, but a
// partial one still counts).
func (n int64s) gib() int64 {
	if n <= 0 {
		return 0
	}
	return (int64(n) + 1<<30 - 1) >> 30
}

// kmsKey is the customer's key encrypting a resource, when there is one.
type kmsKey struct {
	KeyID     string `json:"keyId"`
	VersionID string `json:"versionId"`
}

func (k *kmsKey) id() string {
	if k == nil {
		return ""
	}
	return k.KeyID
}

// stamp is a protobuf Timestamp (RFC 3339). It is parsed leniently: a bad
// value leaves the time zero rather than failing the page.
type stamp string

func (s stamp) time() time.Time {
	t, err := time.Parse(time.RFC3339Nano, string(s))
	if err != nil {
		return time.Time{}
	}
	return t.UTC()
}

type snapshot struct {
	ID           string            `json:"id"`
	FolderID     string            `json:"folderId"`
	CreatedAt    stamp             `json:"createdAt"`
	Name         string            `json:"name"`
	Labels       map[string]string `json:"labels"`
	StorageSize  int64s            `json:"storageSize"`
	DiskSize     int64s            `json:"diskSize"`
	Status       string            `json:"status"`
	SourceDiskID string            `json:"sourceDiskId"`
	KMSKey       *kmsKey           `json:"kmsKey"`
}

type image struct {
	ID          string            `json:"id"`
	FolderID    string            `json:"folderId"`
	CreatedAt   stamp             `json:"createdAt"`
	Name        string            `json:"name"`
	Labels      map[string]string `json:"labels"`
	Family      string            `json:"family"`
	StorageSize int64s            `json:"storageSize"`
	MinDiskSize int64s            `json:"minDiskSize"`
	Status      string            `json:"status"`
	KMSKey      *kmsKey           `json:"kmsKey"`
}

type disk struct {
	ID               string            `json:"id"`
	FolderID         string            `json:"folderId"`
	CreatedAt        stamp             `json:"createdAt"`
	Name             string            `json:"name"`
	Labels           map[string]string `json:"labels"`
	ZoneID           string            `json:"zoneId"`
	Size             int64s            `json:"size"`
	Status           string            `json:"status"`
	SourceImageID    string            `json:"sourceImageId"`
	SourceSnapshotID string            `json:"sourceSnapshotId"`
	KMSKey           *kmsKey           `json:"kmsKey"`
}

type zone struct {
	ID       string `json:"id"`
	RegionID string `json:"regionId"`
}

type accessBinding struct {
	RoleID  string `json:"roleId"`
	Subject struct {
		ID   string `json:"id"`
		Type string `json:"type"`
	} `json:"subject"`
}

type cloud struct {
	ID string `json:"id"`
}

type folder struct {
	ID string `json:"id"`
}
