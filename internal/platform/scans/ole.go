package scans

import (
	"bytes"
	"encoding/binary"
	"errors"
	"unicode/utf16"
)

var (
	errOLEDamaged    = errors.New("scans: compound file damaged")
	errOLEUnsafeName = errors.New("scans: compound file entry with an unsafe name")
)

// oleDirectory walks a compound file's directory ([MS-CFB] 2.2, 2.6) by its
// sector chains and returns the names of its storages and streams. It
// refuses (errOLEDamaged) a file whose header, allocation table or directory
// chain is broken, loops or points outside the file, and (errOLEUnsafeName)
// any entry whose name is not a clean name: empty, longer than 31 characters, holding NUL,
// '/', '\', ':' or '!' (illegal in [MS-CFB] 2.6.1), or "." or "..". Tools
// that extract a compound file's streams to disk use these names as file
// names. Every sector is visited at most once, so the walk is linear in
// the file's size. Long because the walk's checks share its state (the
// allocation table, the visited sectors) and read in [MS-CFB]'s order.
func oleDirectory(data []byte) (names []string, err error) {
	if len(data) < 512 || !bytes.HasPrefix(data, []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")) {
		return nil, errOLEDamaged
	}
	shift := binary.LittleEndian.Uint16(data[0x1e:])
	if shift != 9 && shift != 12 {
		return nil, errOLEDamaged
	}
	size := 1 << shift
	sectors := (len(data) - size) / size // sectors after the header
	if sectors <= 0 {
		return nil, errOLEDamaged
	}
	sector := func(n uint32) []byte {
		if int64(n) >= int64(sectors) {
			return nil
		}
		off := (int(n) + 1) * size
		return data[off : off+size]
	}
	const endOfChain, free = 0xfffffffe, 0xffffffff

	// The allocation table's sectors: 109 in the header, then the DIFAT chain.
	var fat []uint32
	for i := range 109 {
		if s := binary.LittleEndian.Uint32(data[0x4c+4*i:]); s != free {
			fat = append(fat, s)
		}
	}
	seen := make([]bool, sectors)
	next := binary.LittleEndian.Uint32(data[0x44:])
	for next != endOfChain && next != free {
		sec := sector(next)
		if sec == nil || seen[next] {
			return nil, errOLEDamaged
		}
		seen[next] = true
		for i := 0; i < size/4-1; i++ {
			if s := binary.LittleEndian.Uint32(sec[4*i:]); s != free {
				fat = append(fat, s)
			}
		}
		next = binary.LittleEndian.Uint32(sec[size-4:])
	}
	if len(fat) > sectors {
		return nil, errOLEDamaged
	}
	perSector := uint32(size / 4)
	nextOf := func(n uint32) (uint32, bool) {
		i := n / perSector
		if int(i) >= len(fat) {
			return 0, false
		}
		sec := sector(fat[i])
		if sec == nil {
			return 0, false
		}
		return binary.LittleEndian.Uint32(sec[4*(n%perSector):]), true
	}

	clear(seen)
	dir := binary.LittleEndian.Uint32(data[0x30:])
	for dir != endOfChain {
		sec := sector(dir)
		if sec == nil || seen[dir] {
			return nil, errOLEDamaged
		}
		seen[dir] = true
		for off := 0; off+128 <= size; off += 128 {
			e := sec[off : off+128]
			switch e[66] {
			case 0: // unused
				continue
			case 1, 2, 5: // storage, stream, root
			default:
				return nil, errOLEDamaged
			}
			name, clean := oleName(e)
			if !clean {
				return nil, errOLEUnsafeName
			}
			names = append(names, name)
		}
		var found bool
		if dir, found = nextOf(dir); !found {
			return nil, errOLEDamaged
		}
	}
	if len(names) == 0 {
		return nil, errOLEDamaged
	}
	return names, nil
}

// oleName decodes a directory entry's name and says whether it is clean.
func oleName(e []byte) (string, bool) {
	n := int(binary.LittleEndian.Uint16(e[64:]))
	if n < 4 || n > 64 || n%2 != 0 || e[n-2] != 0 || e[n-1] != 0 {
		return "", false
	}
	units := make([]uint16, 0, n/2-1)
	for i := 0; i < n-2; i += 2 {
		u := binary.LittleEndian.Uint16(e[i:])
		switch u {
		case 0, '/', '\\', ':', '!':
			return "", false
		}
		units = append(units, u)
	}
	name := string(utf16.Decode(units))
	if name == "." || name == ".." {
		return "", false
	}
	return name, true
}
