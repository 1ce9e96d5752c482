namespace Grid.Resp.Security;

/// <summary>The outcome of an AUTH.</summary>
internal enum RespAuthResult
{
    /// <summary>Authenticated as the default user.</summary>
    Default,

    /// <summary>Authenticated as <c>admin</c> with the grid's admin token.</summary>
    Admin,

    /// <summary>Wrong user or password.</summary>
    Wrong,

    /// <summary>AUTH with a password only, and the default user has none.</summary>
    NoPasswordConfigured,
}
