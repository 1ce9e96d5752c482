namespace Grid.AspNetCore;

/// <summary>Who may keep a response a rule makes cacheable.</summary>
public enum GridEdgeVisibility
{
    /// <summary><c>Cache-Control: public</c>: browsers and shared caches (the grid, CDNs, proxies).</summary>
    Public = 0,

    /// <summary><c>Cache-Control: private</c>: the browser only; the grid never stores it.</summary>
    Private = 1,
}
