namespace Grid.Samples.WebApi;

/// <summary>
/// Checks the bodies of the update endpoints before anything is written: an empty name, a negative price or an
/// address without '@' answers 400 with validation problem details (RFC 9457: <c>errors</c> names each field), and
/// neither the catalog nor the cache changes.
/// </summary>
public static class UpdateValidation
{
    /// <summary>The longest name the catalog takes.</summary>
    public const int MaxNameLength = 200;

    /// <summary>The problems of a product update, by field; empty when it is valid.</summary>
    public static Dictionary<string, string[]> Problems(ProductUpdate update)
    {
        var problems = new Dictionary<string, string[]>(StringComparer.Ordinal);
        CheckName(update.Name, problems);
        if (update.Price < 0)
        {
            problems["price"] = ["The price must not be negative."];
        }

        return problems;
    }

    /// <summary>The problems of a user update, by field; empty when it is valid.</summary>
    public static Dictionary<string, string[]> Problems(UserUpdate update)
    {
        var problems = new Dictionary<string, string[]>(StringComparer.Ordinal);
        CheckName(update.Name, problems);
        if (string.IsNullOrWhiteSpace(update.Email) || !update.Email.Contains('@', StringComparison.Ordinal))
        {
            problems["email"] = ["The email must be an address with '@'."];
        }

        return problems;
    }

    private static void CheckName(string? name, Dictionary<string, string[]> problems)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            problems["name"] = ["The name must not be empty."];
        }
        else if (name.Length > MaxNameLength)
        {
            problems["name"] = [$"The name must be at most {MaxNameLength} characters."];
        }
    }
}
