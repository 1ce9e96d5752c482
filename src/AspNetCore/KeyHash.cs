using System.Security.Cryptography;
using System.Text;

namespace Grid.AspNetCore;

/// <summary>The SHA-256 of text as lowercase hex: what keys too long for the grid, and credentials in keys, are replaced by.</summary>
internal static class KeyHash
{
    public static string Sha256Hex(string value) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)));
}
