namespace Grid.Client;

/// <summary>Which values read from the grid the near cache keeps (<see cref="NearCacheOptions.Admission"/>).</summary>
public enum NearCacheAdmission
{
    /// <summary>
    /// Every value while the near cache has room; once it is nearly full, only values of keys read before lately (a
    /// first read goes to the grid untracked and is not kept). A working set larger than the near cache, or a scan,
    /// then does not churn it, and reads of keys read once cost what they cost with the near cache off.
    /// </summary>
    ReRead = 0,

    /// <summary>Every value read, as long as the silo tracks it.</summary>
    All = 1,
}
