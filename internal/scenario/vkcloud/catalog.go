package vkcloud

// What VK Cloud offers every project, picked per resource by a hash of its
// id so that a volume keeps its size and zone from record to record.

// zones are VK's availability zones in the Moscow region.
var zones = []string{"MS1", "GZ1", "ME1"}

// volumeTypes are Cinder volume types VK offers.
var volumeTypes = []string{"ceph-ssd", "ceph-hdd", "high-iops"}

// volumeSizes are disk sizes in GiB.
var volumeSizes = []int{10, 20, 40, 50, 100, 200, 500}

// flavors are Nova flavor ids (Basic-1-2-20, STD2-2-4, STD3-4-8, STD3-8-16).
var flavors = []string{
	"25ae869c-be29-4840-8e12-99e046d2dbd4",
	"df3c499a-044f-41d2-8612-d303adc613cc",
	"3b5b5a2f-1f7e-4a55-9a0c-6c4f3d0e8b21",
	"8e2f1c74-5d0b-4c8e-b7a1-2f9d6e3c4a10",
}

// baseImages are public Glance images (Ubuntu 22.04, AlmaLinux 9,
// Debian 12) servers boot from.
var baseImages = []string{
	"b7f5a3e1-8d6c-4f2a-9e0b-1c3d5a7f9e2b",
	"4a9c2e6f-0b1d-4e8a-a3c5-7f2e9d1b6c40",
	"e1d3c5b7-a9f2-4e6d-8c0a-3b5d7f9e1a24",
}

// dbFlavors are DBaaS flavor ids.
var dbFlavors = []string{
	"c4d8a2e6-1f3b-4d5c-8e7a-9b0c2d4e6f81",
	"7a1e3c5b-9d2f-4b8e-a6c0-4e2d8f1b3a57",
}

// pick returns one of vs, chosen by key.
func pick[T any](vs []T, key string) T {
	return vs[hashString(key)%uint64(len(vs))]
}
