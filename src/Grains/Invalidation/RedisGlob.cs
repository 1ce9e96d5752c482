namespace Grid.Grains.Invalidation;

/// <summary>
/// Redis's glob matching (<c>stringmatchlen</c> in Redis's <c>util.c</c>, case-sensitive as KEYS and SCAN use it),
/// ported to spans of UTF-8 bytes: <c>*</c> any run of bytes, <c>?</c> one byte, <c>[abc]</c> a set, <c>[^a]</c> its
/// complement, <c>[a-z]</c> a range (reversed ranges work), <c>\x</c> a literal x (in and out of sets). Like Redis it
/// compares bytes, so <c>?</c> matches one byte of a multi-byte UTF-8 character, an unterminated set ends at the end of
/// the pattern, a trailing <c>\</c> is a literal backslash, and nesting deeper than 1,000 stars is refused (no match).
/// Where Redis compares set ranges as signed chars on x86 (bytes 0x80 and up sort below ASCII) this compares them as
/// unsigned bytes, as Redis on ARM does; the two differ only for ranges with a non-ASCII end.
/// </summary>
internal static class RedisGlob
{
    private const int MaxNesting = 1000;

    /// <summary>Whether <paramref name="text"/> matches <paramref name="pattern"/>.</summary>
    public static bool IsMatch(ReadOnlySpan<byte> pattern, ReadOnlySpan<byte> text)
    {
        bool skipLongerMatches = false;
        return Match(pattern, 0, text, 0, ref skipLongerMatches, 0);
    }

    /// <summary>The pattern byte at <paramref name="index"/>, or 0 past its end (where Redis reads the string's terminator).</summary>
    private static int At(ReadOnlySpan<byte> pattern, int index) => index < pattern.Length ? pattern[index] : 0;

    private static bool Match(ReadOnlySpan<byte> pattern, int p, ReadOnlySpan<byte> text, int s, ref bool skipLongerMatches, int nesting)
    {
        // Protection against abusive patterns.
        if (nesting > MaxNesting)
        {
            return false;
        }

        int pn = pattern.Length;
        int sn = text.Length;
        while (p < pn && s < sn)
        {
            switch (pattern[p])
            {
                case (byte)'*':
                    while (p + 1 < pn && pattern[p + 1] == '*')
                    {
                        p++;
                    }

                    if (p + 1 == pn)
                    {
                        return true;
                    }

                    while (s < sn)
                    {
                        if (Match(pattern, p + 1, text, s, ref skipLongerMatches, nesting + 1))
                        {
                            return true;
                        }

                        if (skipLongerMatches)
                        {
                            return false;
                        }

                        s++;
                    }

                    // The rest of the pattern matches nowhere in the rest of the text, so no earlier star can make it
                    // match by taking a longer run either.
                    skipLongerMatches = true;
                    return false;

                case (byte)'?':
                    s++;
                    break;

                case (byte)'[':
                {
                    p++;
                    bool negate = At(pattern, p) == '^';
                    if (negate)
                    {
                        p++;
                    }

                    bool match = false;
                    while (true)
                    {
                        if (At(pattern, p) == '\\' && pn - p >= 2)
                        {
                            p++;
                            if (pattern[p] == text[s])
                            {
                                match = true;
                            }
                        }
                        else if (At(pattern, p) == ']')
                        {
                            break;
                        }
                        else if (p == pn)
                        {
                            // Unterminated set: step back so the advance below lands on the end of the pattern.
                            p--;
                            break;
                        }
                        else if (pn - p >= 3 && pattern[p + 1] == '-')
                        {
                            int start = pattern[p];
                            int end = pattern[p + 2];
                            int c = text[s];
                            if (start > end)
                            {
                                (start, end) = (end, start);
                            }

                            p += 2;
                            if (c >= start && c <= end)
                            {
                                match = true;
                            }
                        }
                        else if (pattern[p] == text[s])
                        {
                            match = true;
                        }

                        p++;
                    }

                    if (negate)
                    {
                        match = !match;
                    }

                    if (!match)
                    {
                        return false;
                    }

                    s++;
                    break;
                }

                case (byte)'\\':
                    if (pn - p >= 2)
                    {
                        p++;
                    }

                    goto default;

                default:
                    if (pattern[p] != text[s])
                    {
                        return false;
                    }

                    s++;
                    break;
            }

            p++;
            if (s == sn)
            {
                while (p < pn && pattern[p] == '*')
                {
                    p++;
                }

                break;
            }
        }

        return p == pn && s == sn;
    }
}
