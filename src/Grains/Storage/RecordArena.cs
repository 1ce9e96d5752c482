using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Grid.Grains.Storage;

/// <summary>
/// The pages a partition's small records live in: records are appended, back to back and unaligned, to the current
/// page; a record is addressed by a 31-bit int (page number and byte offset), so an entry costs its bytes and a 4-byte
/// address instead of an array (24 bytes of header and up to 7 of padding) and an 8-byte reference. Space given up
/// (a removal, a record replaced by a new one) is marked dead in the record's header and counted per page; a page that
/// is mostly dead is compacted by its <see cref="RecordTable"/> (which alone knows which entry points at each record)
/// and released. Used under the store's lock.
/// </summary>
/// <remarks>
/// Page arrays are never reused: a released page is left to the GC, so a span read from it before (the previous
/// record of an overwrite, whose tags the listeners are told) stays readable until the operation ends. Every page
/// starts at 512 bytes and grows (offsets, hence addresses, stay) up to <see cref="PageSize"/> while it is being
/// filled, doubling to 2 KiB and then by 512 bytes: a partition with a few keys stays small, and the page being filled
/// leaves under 512 bytes unused once past 2 KiB (under 400 on average for 100-byte values, where doubling all the way
/// left 760: most of the slack a partition keeps). A sealed page is cut to its used bytes.
/// </remarks>
internal sealed class RecordArena
{
    /// <summary>Bytes per page; records larger than <see cref="MaxRecordSize"/> are not kept here.</summary>
    public const int PageSize = 1 << PageShift;

    /// <summary>
    /// The largest record kept in a page: a page's unused end is at most this much; a larger record is an array of its
    /// own, whose 24-byte header is under 5 % of it.
    /// </summary>
    public const int MaxRecordSize = 512;

    /// <summary>A page is compacted once this fraction (1 / n) of its bytes is dead.</summary>
    public const int CompactWhenDeadOneIn = 4;

    private const int PageShift = 12;
    private const int OffsetMask = PageSize - 1;
    private const int FirstPageSize = 512;

    /// <summary>A page being filled doubles up to this size, then grows by <see cref="GrowthStep"/>.</summary>
    private const int DoublingLimit = 2048;

    private const int GrowthStep = 512;

    /// <summary>The least unused end worth a copy of the page (arrays take memory in steps of 8 bytes).</summary>
    private const int MinTrim = 16;

    /// <summary>Addresses use 31 bits (the table keeps the top bit to mark entries that are objects).</summary>
    private const int MaxPages = 1 << (31 - PageShift);

    private byte[]?[] _pages = [];
    private int[] _used = [];
    private int[] _live = [];
    private int[] _freePages = [];
    private int _freePageCount;
    private int _pageCount;
    private int _current = -1;
    private int _liveBytes;
    private int _allocatedPages;
    private int[] _candidates = [];
    private int _candidateCount;

    /// <summary>Bytes of live records.</summary>
    public long LiveBytes => _liveBytes;

    /// <summary>Pages held now.</summary>
    public int Pages => _allocatedPages;

    /// <summary>
    /// What the arena takes beyond its live records, as accounted: each page's array header and the page directory
    /// arrays. Dead bytes, and the free end of the page being filled, are not counted (they are bounded: a page is
    /// compacted at 1/<see cref="CompactWhenDeadOneIn"/> dead, and one page per partition is being filled).
    /// </summary>
    public long OverheadBytes =>
        _pages.Length == 0 ? 0 : (_allocatedPages * EntryRecord.HeapSize(0)) + EntryRecord.HeapSize(_pages.Length * 8) + (3 * EntryRecord.HeapSize(_pages.Length * 4));

    /// <summary>Bytes of all page arrays (tests compare the heap with the accounted bytes).</summary>
    internal long PageBytes
    {
        get
        {
            long total = 0;
            for (int p = 0; p < _pageCount; p++)
            {
                total += _pages[p] is { } page ? EntryRecord.HeapSize(page.Length) : 0;
            }

            return total;
        }
    }

    /// <summary>Whether a record of <paramref name="length"/> bytes is kept in a page.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Fits(int length) => length <= MaxRecordSize;

    /// <summary>The record at <paramref name="address"/> (writable: stamps and in-place rewrites go straight to the page).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Span<byte> At(uint address)
    {
        var page = _pages[(int)(address >> PageShift)]!;
        int offset = (int)(address & OffsetMask);
        return page.AsSpan(offset, BinaryPrimitives.ReadUInt16LittleEndian(page.AsSpan(offset + 8)));
    }

    /// <summary>Starts loading the page table (a hint, see <see cref="CachePrefetch"/>).</summary>
    public void PrefetchPages() => CachePrefetch.Object(_pages);

    /// <summary>
    /// Starts loading the record at <paramref name="address"/>: its page's header (which <see cref="At"/> checks) and the
    /// record's first two cache lines (header, key and the start of the value). A hint: without the store's lock the
    /// address may be stale, so the page is looked up with checks and nothing is read from the record.
    /// </summary>
    public void PrefetchRecord(uint address)
    {
        var pages = _pages;
        int p = (int)(address >> PageShift);
        if ((uint)p < (uint)pages.Length && pages[p] is { } page)
        {
            int offset = (int)(address & OffsetMask);
            CachePrefetch.Object(page);
            CachePrefetch.Element(page, offset);
            CachePrefetch.Element(page, offset + 64);
        }
    }

    /// <summary>Copies <paramref name="record"/> (at most <see cref="MaxRecordSize"/> bytes) into a page; returns its address.</summary>
    public uint Add(ReadOnlySpan<byte> record)
    {
        int length = record.Length;
        if (_current < 0 || _used[_current] + length > _pages[_current]!.Length)
        {
            MakeRoom(length);
        }

        int offset = _used[_current];
        record.CopyTo(_pages[_current]!.AsSpan(offset));
        _used[_current] = offset + length;
        _live[_current] += length;
        _liveBytes += length;
        return ((uint)_current << PageShift) | (uint)offset;
    }

    /// <summary>
    /// Gives up the record at <paramref name="address"/>: marked dead, its page released once nothing in it lives, or
    /// queued for compaction (<see cref="TryTakeCandidate"/>) once enough of it is dead.
    /// </summary>
    public void Free(uint address)
    {
        int p = (int)(address >> PageShift);
        var page = _pages[p]!;
        int offset = (int)(address & OffsetMask);
        int length = BinaryPrimitives.ReadUInt16LittleEndian(page.AsSpan(offset + 8));
        page[offset + 1] |= EntryRecord.FlagDead;
        _live[p] -= length;
        _liveBytes -= length;
        if (p != _current)
        {
            if (_live[p] == 0)
            {
                Release(p);
            }
            else if (IsWorthCompacting(p))
            {
                Queue(p);
            }
        }
    }

    /// <summary>A page that should be compacted now (each is handed out once per time it qualifies); false when none.</summary>
    public bool TryTakeCandidate(out int page)
    {
        while (_candidateCount > 0)
        {
            page = _candidates[--_candidateCount];
            if (page != _current && _pages[page] is not null && IsWorthCompacting(page))
            {
                return true;
            }
        }

        page = -1;
        return false;
    }

    /// <summary>
    /// The live records of page <paramref name="page"/>, in order: <paramref name="cursor"/> starts at 0; each call
    /// returns the next live record's address, or false at the page's end.
    /// </summary>
    public bool NextLive(int page, ref int cursor, out uint address)
    {
        var bytes = _pages[page]!;
        int end = _used[page];
        while (cursor < end)
        {
            int offset = cursor;
            int length = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(offset + 8));
            cursor = offset + length;
            if ((bytes[offset + 1] & EntryRecord.FlagDead) == 0)
            {
                address = ((uint)page << PageShift) | (uint)offset;
                return true;
            }
        }

        address = 0;
        return false;
    }

    /// <summary>Moves the live record at <paramref name="address"/> (in a page being compacted) to the current page; returns its new address.</summary>
    public uint Move(uint address)
    {
        // Read before adding: adding may start a page, never the one being compacted (it is not the current page).
        var record = At(address);
        uint moved = Add(record);
        int p = (int)(address >> PageShift);
        record[1] |= EntryRecord.FlagDead;
        _live[p] -= record.Length;
        _liveBytes -= record.Length;
        return moved;
    }

    /// <summary>Releases a page whose live records were all moved away.</summary>
    public void ReleaseCompacted(int page) => Release(page);

    /// <summary>Drops every page (the table emptied).</summary>
    public void Clear()
    {
        _pages = [];
        _used = [];
        _live = [];
        _freePages = [];
        _freePageCount = 0;
        _pageCount = 0;
        _current = -1;
        _liveBytes = 0;
        _allocatedPages = 0;
        _candidateCount = 0;
    }

    private bool IsWorthCompacting(int page) =>
        (_used[page] - _live[page]) * (long)CompactWhenDeadOneIn >= _pages[page]!.Length;

    private void Queue(int page)
    {
        for (int i = 0; i < _candidateCount; i++)
        {
            if (_candidates[i] == page)
            {
                return;
            }
        }

        if (_candidateCount == _candidates.Length)
        {
            Array.Resize(ref _candidates, Math.Max(4, _candidates.Length * 2));
        }

        _candidates[_candidateCount++] = page;
    }

    /// <summary>
    /// Room for a record of <paramref name="length"/> bytes: the page being filled grows (its offsets, hence
    /// addresses, stay) while under <see cref="PageSize"/>; once full-size it is sealed (queued for compaction if much
    /// of it died while it was being filled) and a small page starts.
    /// </summary>
    private void MakeRoom(int length)
    {
        if (_current >= 0 && _pages[_current]!.Length < PageSize)
        {
            int needed = _used[_current] + length;
            int size = _pages[_current]!.Length;
            size = size < DoublingLimit ? Math.Max(size * 2, needed) : needed;
            size = Math.Min(PageSize, (size + GrowthStep - 1) / GrowthStep * GrowthStep);
            if (needed <= size)
            {
                Array.Resize(ref _pages[_current], size);
                return;
            }
        }

        int sealedPage = _current;
        _current = NewPage(Math.Max(FirstPageSize, (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)length)));
        if (sealedPage >= 0)
        {
            if (_live[sealedPage] == 0)
            {
                Release(sealedPage);
            }
            else if (IsWorthCompacting(sealedPage))
            {
                Queue(sealedPage);
            }
            else
            {
                TrimEnd(sealedPage);
            }
        }
    }

    /// <summary>
    /// Gives back a sealed page's unused end (the record that did not fit went to a new page): on average half a record
    /// per page, 2-3 % of the data for 100-byte values. The page is copied to an array of exactly its used bytes (a
    /// sealed page is never appended to again); a span read from the old array stays readable, as after a doubling.
    /// </summary>
    private void TrimEnd(int page)
    {
        if (_pages[page]!.Length - _used[page] >= MinTrim)
        {
            Array.Resize(ref _pages[page], _used[page]);
        }
    }

    private int NewPage(int size)
    {
        int p;
        if (_freePageCount > 0)
        {
            p = _freePages[--_freePageCount];
        }
        else
        {
            if (_pageCount == MaxPages)
            {
                throw new InvalidOperationException($"A partition's record pages are full ({MaxPages} pages of {PageSize} bytes).");
            }

            if (_pageCount == _pages.Length)
            {
                int capacity = Math.Max(4, _pages.Length * 2);
                Array.Resize(ref _pages, capacity);
                Array.Resize(ref _used, capacity);
                Array.Resize(ref _live, capacity);
                Array.Resize(ref _freePages, capacity);
            }

            p = _pageCount++;
        }

        _pages[p] = GC.AllocateUninitializedArray<byte>(size);
        _used[p] = 0;
        _live[p] = 0;
        _allocatedPages++;
        return p;
    }

    private void Release(int page)
    {
        _pages[page] = null;
        _used[page] = 0;
        _live[page] = 0;
        _allocatedPages--;
        _freePages[_freePageCount++] = page;
        if (page == _current)
        {
            _current = -1;
        }
    }
}
